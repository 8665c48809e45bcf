// Signed `checkout.session.completed` deliveries, shaped like the tests' events
// (test/worker/support/stripe.ts): Stripe's own example objects from
// tools/stripe-fixtures/fixtures3.json (the repo's MIT-licensed copy of Stripe's examples,
// read at run time), with only the fields the storefront relies on overridden.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { REPO_ROOT } from './paths.mjs';

export const WEBHOOK_SECRET = 'whsec_bench_0123456789abcdef0123456789abcdef';
export const PRODUCT_ID = 'field-notes';

const FIXTURES = path.resolve(REPO_ROOT, 'tools', 'stripe-fixtures', 'fixtures3.json');

/** @type {Record<string, Record<string, unknown>> | undefined} */
let resources;

/** @param {string} name @returns {Record<string, unknown>} */
function fixture(name) {
  if (!resources) {
    try {
      resources = JSON.parse(readFileSync(FIXTURES, 'utf8')).resources;
    } catch (error) {
      throw new Error(`cannot read Stripe's fixtures at ${FIXTURES}: ${/** @type {Error} */ (error).message}`);
    }
  }
  const object = resources?.[name];
  if (!object) throw new Error(`no Stripe fixture for ${name} in ${FIXTURES}`);
  return structuredClone(object);
}

// Ids: a random per-process tag plus a counter, base36 (alphanumeric, as the worker requires).
const RUN_TAG = BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36);
let sequence = 0;
const unique = () => `${RUN_TAG}${(sequence++).toString(36).padStart(5, '0')}`;

export const newSessionId = () => `cs_test_b1${unique()}`;
export const newEventId = () => `evt_1B${unique()}`;

/**
 * @typedef {{ eventId: string, sessionId: string, body: string, header: string }} Delivery
 */

/**
 * One paid Checkout Session for the catalog's digital product, wrapped in a
 * `checkout.session.completed` event and signed as Stripe signs deliveries
 * (pretty-printed JSON body, `Stripe-Signature: t=…,v1=…`).
 * @param {{ sessionId?: string, secret?: string, pretty?: boolean }} [options]
 * @returns {Delivery}
 */
export function checkoutCompleted({ sessionId = newSessionId(), secret = WEBHOOK_SECRET, pretty = true, customer = undefined } = {}) {
  const session = {
    ...fixture('checkout.session'),
    ...(customer ? { customer } : {}),
    id: sessionId,
    status: 'complete',
    payment_status: 'paid',
    amount_subtotal: 1200,
    amount_total: 1200,
    currency: 'usd',
    client_reference_id: 'bench_buyer',
    metadata: { product_id: PRODUCT_ID },
  };
  const event = {
    ...fixture('event'),
    id: newEventId(),
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: { object: session },
  };
  const body = pretty ? JSON.stringify(event, null, 2) : JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
  return { eventId: event.id, sessionId, body, header };
}

/**
 * The webhooks Stripe sends the shop's endpoint (subscribed to the handled types only) for one
 * Payment Link purchase by a new customer: `customer.created`, then the paid
 * `checkout.session.completed` naming that customer.
 * @returns {Delivery[]}
 */
export function purchaseDeliveries() {
  const customer = { ...fixture('customer'), id: `cus_${unique()}`, email: 'bench@example.com' };
  const event = { ...fixture('event'), id: newEventId(), type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: customer } };
  const body = JSON.stringify(event, null, 2);
  const created = { eventId: event.id, sessionId: '', body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET }) };
  return [created, checkoutCompleted({ customer: customer.id })];
}

/** @param {number} count @returns {Delivery[]} */
export function buildDeliveries(count) {
  return Array.from({ length: count }, () => checkoutCompleted());
}

/**
 * A signed `price.updated` for a price the growth step seeded (Stripe's example price with the
 * seeded ids), as Stripe delivers it.
 * @param {{ priceId: string, productId: string, unitAmount: number }} price
 * @returns {Delivery}
 */
export function priceUpdated({ priceId, productId, unitAmount }) {
  const price = { ...fixture('price'), id: priceId, product: productId, active: true, currency: 'usd', unit_amount: unitAmount, type: 'one_time', recurring: null };
  const event = { ...fixture('event'), id: newEventId(), type: 'price.updated', created: Math.floor(Date.now() / 1000), data: { object: price } };
  const body = JSON.stringify(event, null, 2);
  return { eventId: event.id, sessionId: '', body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET }) };
}
