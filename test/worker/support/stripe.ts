// Test events built from Stripe's own example objects (tools/stripe-fixtures,
// taken from Stripe's OpenAPI repository) and signed with the `stripe` package,
// exactly as Stripe signs deliveries.
import Stripe from 'stripe';
import fixtures from '../../../tools/stripe-fixtures/fixtures3.json';

export const WEBHOOK_SECRET = 'whsec_test_primary_0123456789abcdef';

type Fixtures = { resources: Record<string, Record<string, unknown>> };
const resources = (fixtures as unknown as Fixtures).resources;

export function fixture<T = Record<string, unknown>>(resource: string): T {
  const object = resources[resource];
  if (!object) throw new Error(`no Stripe fixture for ${resource}`);
  return structuredClone(object) as T;
}

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(sequence++).toString(36)}${Math.random().toString(36).slice(2, 10)}`;

export const newSessionId = () => unique('cs_test_a1');
export const newEventId = () => unique('evt_1');

/** A paid Payment Link session for the sample catalog's first product, fixture-shaped. */
export function checkoutSession(overrides: Partial<Stripe.Checkout.Session> = {}): Stripe.Checkout.Session {
  return {
    ...fixture<Stripe.Checkout.Session>('checkout.session'),
    id: newSessionId(),
    status: 'complete',
    payment_status: 'paid',
    amount_subtotal: 1200,
    amount_total: 1200,
    currency: 'usd',
    client_reference_id: 'buyer_123',
    metadata: { product_id: 'field-notes' },
    ...overrides,
  };
}

/** An event as Stripe delivers it. Typed loosely on purpose: Stripe.Event is a union of every event type. */
export interface TestEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  livemode: boolean;
  data: { object: object };
  [field: string]: unknown;
}

export function event(type: string, object: object, overrides: Partial<TestEvent> = {}): TestEvent {
  return {
    ...fixture<TestEvent>('event'),
    id: newEventId(),
    type,
    created: Math.floor(Date.now() / 1000),
    data: { object },
    ...overrides,
  };
}

export interface SignOptions {
  secret?: string;
  timestamp?: number;
}

export async function signatureHeader(payload: string, { secret = WEBHOOK_SECRET, timestamp }: SignOptions = {}): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}

/** A webhook delivery as Stripe makes it: POST, JSON body, Stripe-Signature header. */
export async function delivery(body: object | string, options: SignOptions & { header?: string | null } = {}): Promise<Request> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  const header = options.header === undefined ? await signatureHeader(payload, options) : options.header;
  const headers = new Headers({ 'content-type': 'application/json' });
  if (header !== null) headers.set('stripe-signature', header);
  return new Request('https://shop.example/webhooks/stripe', { method: 'POST', headers, body: payload });
}

/** The `stripe` package pointed at the suite's fake Stripe API: a seller's dashboard, for tests. */
export function fakeStripe(baseUrl: string, key = 'sk_test_worker_suite'): Stripe {
  const url = new URL(baseUrl);
  return new Stripe(key, { httpClient: Stripe.createFetchHttpClient(), host: url.hostname, port: url.port, protocol: 'http', maxNetworkRetries: 0 });
}
