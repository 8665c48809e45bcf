// Licence keys: generated per order, or taken once each from the seller's pool in D1.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { findProduct } from '../../../catalog';
import { LICENCE_KEY } from '../../../contract/ids';
import { testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';
import { buy, orderOf, PDF_KEY, PNG_KEY, putFile, fileBytes, type TestApp } from './support';

const SYNC_TOKEN = 'sync_token_for_the_licence_tests';
const admin = testEnv({ SYNC_TOKEN });
const GENERATED = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/;

function upload(app: TestApp, body: unknown, token = SYNC_TOKEN) {
  return app.send(
    new Request('https://shop.example/api/admin/licence-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }),
    admin,
  );
}

const freeKeys = async () =>
  (await env.DB.prepare("SELECT count(*) AS n FROM licence_keys WHERE product_id = 'trail-map-print' AND order_id IS NULL").first<{ n: number }>())!.n;

beforeEach(async () => {
  // Each test starts with an empty pool; keys already given to orders stay theirs.
  await env.DB.prepare("DELETE FROM licence_keys WHERE product_id = 'trail-map-print' AND order_id IS NULL").run();
  await putFile(PDF_KEY, fileBytes(100), 'application/pdf');
  await putFile(PNG_KEY, fileBytes(100, 2), 'image/png');
});

describe('generated licence keys', () => {
  it('a field-notes order gets one key, the same on every read, and another order sees only its own', async () => {
    const app = testApp();
    const { session: mine } = await buy(app);
    const { session: theirs } = await buy(app);
    const first = await orderOf(app, mine.id);
    expect(first.licenceKeys).toHaveLength(1);
    const key = first.licenceKeys[0]!.key!;
    expect(key).toMatch(GENERATED);
    expect(key).toMatch(LICENCE_KEY);
    expect((await orderOf(app, mine.id)).licenceKeys).toEqual([{ product: { id: 'field-notes', name: 'Field Notes Pattern Pack' }, key }]);
    const other = await orderOf(app, theirs.id);
    expect(other.licenceKeys[0]!.key).toMatch(GENERATED);
    expect(JSON.stringify(other)).not.toContain(key);
  });

  it('a redelivered completion and a later async_payment_succeeded for the same session leave the order with its one key', async () => {
    const app = testApp();
    const { session } = await buy(app);
    const completed = event('checkout.session.completed', session);
    await app.send(await delivery(completed));
    await app.send(await delivery(completed));
    await app.send(await delivery(event('checkout.session.async_payment_succeeded', session)));
    const rows = await env.DB.prepare('SELECT key FROM licence_keys WHERE order_id = ?').bind(session.id).all();
    expect(rows.results).toHaveLength(1);
  });

  it('a pending order has no key until it is fulfilled', async () => {
    const app = testApp();
    const { session } = await buy(app, 'field-notes', { payment_status: 'unpaid' });
    expect((await orderOf(app, session.id)).licenceKeys).toEqual([]);
    const rows = await env.DB.prepare('SELECT key FROM licence_keys WHERE order_id = ?').bind(session.id).all();
    expect(rows.results).toHaveLength(0);
  });
});

describe('a pool of the seller\'s keys', () => {
  it('5 keys and 20 concurrent orders: exactly 5 orders get a key, each a different pool key; the other 15 show none yet', async () => {
    const app = testApp();
    const pool = Array.from({ length: 5 }, (_, i) => `POOL-${crypto.randomUUID()}-${i}`);
    expect(await (await upload(app, { product: 'trail-map-print', keys: pool })).json()).toEqual({ added: 5, available: 5 });

    const sessions = await Promise.all(Array.from({ length: 20 }, () => buy(app, 'trail-map-print')));
    const orders = await Promise.all(sessions.map(({ session }) => orderOf(app, session.id)));
    const given = orders.map((order) => order.licenceKeys[0]!.key).filter((key): key is string => key !== null);

    expect(orders.every((order) => order.status === 'fulfilled')).toBe(true);
    expect(given).toHaveLength(5);
    expect(new Set(given)).toEqual(new Set(pool));
    expect(await freeKeys()).toBe(0);
  });

  it('keys uploaded after the pool ran dry go to waiting orders when they next look, once each', async () => {
    const app = testApp();
    const waiting = await Promise.all(Array.from({ length: 4 }, () => buy(app, 'trail-map-print')));
    expect((await orderOf(app, waiting[0]!.session.id)).licenceKeys[0]!.key).toBeNull();

    const refill = ['REFILL-1-' + crypto.randomUUID(), 'REFILL-2-' + crypto.randomUUID()];
    expect(await (await upload(app, { product: 'trail-map-print', keys: refill })).json()).toEqual({ added: 2, available: 2 });
    // Every waiting order looks twice, all at once.
    const views = await Promise.all([...waiting, ...waiting].map(({ session }) => orderOf(app, session.id)));
    const byOrder = new Map(views.map((view) => [view.id, view.licenceKeys[0]!.key]));
    const given = [...byOrder.values()].filter((key) => key !== null);
    expect(given.sort()).toEqual([...refill].sort());
    expect(await freeKeys()).toBe(0);
  });

  it('the upload skips keys already in the pool and answers how many were added', async () => {
    const app = testApp();
    const key = `DUP-${crypto.randomUUID()}`;
    expect(await (await upload(app, { product: 'trail-map-print', keys: [key, key] })).json()).toEqual({ added: 1, available: 1 });
    expect(await (await upload(app, { product: 'trail-map-print', keys: [key] })).json()).toEqual({ added: 0, available: 1 });
  });

  it.each([
    [{ product: 'field-notes', keys: ['ABCD-1234'] }, 'product field-notes does not take licence keys from a pool (catalog.json "licence": "pool")'],
    [{ product: 'no-such-product', keys: ['ABCD-1234'] }, 'product no-such-product is not in the catalog'],
    [{ product: 'trail-map-print', keys: ['has space'] }, 'keys[0] must be 4–200 printable characters without spaces'],
    [{ product: 'trail-map-print', keys: [] }, 'keys must be a list of 1–1000 licence keys'],
  ])('refuses %j with 400 and adds nothing', async (body, error) => {
    const app = testApp();
    const response = await upload(app, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
    expect(await freeKeys()).toBe(0);
  });

  it('needs the SYNC_TOKEN bearer', async () => {
    const app = testApp();
    const response = await upload(app, { product: 'trail-map-print', keys: ['ABCD-1234'] }, 'wrong');
    expect(response.status).toBe(401);
    expect(await freeKeys()).toBe(0);
  });
});

describe('the deliver hook', () => {
  it('gets the order\'s fresh download links and its licence key', async () => {
    const app = testApp();
    const { session } = await buy(app);
    const delivered = app.deliveries.find((request) => request.order.id === session.id)!;
    expect(delivered.downloads).toHaveLength(1);
    expect(delivered.downloads[0]).toMatchObject({ name: 'Pattern pack (PDF)', filename: 'field-notes-pattern-pack.pdf', size: 100 });
    expect(delivered.downloads[0]!.url).toMatch(/^\/downloads\/dl_/);
    expect(delivered.licenceKeys[0]!.key).toMatch(GENERATED);
  });
});

let priceClock = 3_000_000_000;

/** A cart order of `quantity` units of each product, its lines expanded as an API read returns them, their prices mirrored beforehand. */
async function buyUnits(app: TestApp, lines: [productId: string, quantity: number][]) {
  const items: Stripe.LineItem[] = [];
  for (const [productId, quantity] of lines) {
    const product = findProduct(productId)!;
    const price: Stripe.Price = { ...fixture<Stripe.Price>('price'), id: `price_${productId.replaceAll('-', '_')}_${crypto.randomUUID().slice(0, 8)}`, product: productId, type: 'one_time', recurring: null, unit_amount: product.price.amount };
    await app.send(await delivery(event('price.created', price, { created: ++priceClock })));
    items.push({ ...fixture<Stripe.LineItem>('item'), price, quantity, description: product.name, amount_subtotal: product.price.amount * quantity, amount_total: product.price.amount * quantity, currency: 'usd' });
  }
  const total = items.reduce((sum, item) => sum + item.amount_total, 0);
  const session = checkoutSession({
    payment_intent: `pi_${crypto.randomUUID().replaceAll('-', '')}`,
    amount_subtotal: total,
    amount_total: total,
    line_items: { object: 'list', data: items, has_more: false, url: '/v1/checkout/sessions/line_items' },
  });
  const completed = event('checkout.session.completed', session);
  expect((await app.send(await delivery(completed))).status).toBe(200);
  return { session, completed };
}

const keysOf = (order: { licenceKeys: { product: { id: string }; key: string | null }[] }, productId: string) =>
  order.licenceKeys.filter((entry) => entry.product.id === productId).map((entry) => entry.key);

describe('one licence key per unit bought', () => {
  it('five licences of a generated product: five different keys, shown on every read in the same order, delivered to the hook, kept through a redelivery', async () => {
    const app = testApp();
    const { session, completed } = await buyUnits(app, [['field-notes', 5]]);
    const order = await orderOf(app, session.id);
    expect(order.status).toBe('fulfilled');
    const keys = keysOf(order, 'field-notes');
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(5);
    for (const key of keys) expect(key).toMatch(GENERATED);
    await app.send(await delivery(completed));
    expect(keysOf(await orderOf(app, session.id), 'field-notes')).toEqual(keys);
    const delivered = app.deliveries.find((request) => request.order.id === session.id)!;
    expect(delivered.licenceKeys.map((entry) => entry.key)).toEqual(keys);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM licence_keys WHERE order_id = ?').bind(session.id).first<{ n: number }>();
    expect(rows!.n).toBe(5);
  });

  it('two units of a pool product with one free key: one unit gets it, the other waits; a refill gives the waiting unit one key, once', async () => {
    const app = testApp();
    const first = `UNIT-1-${crypto.randomUUID()}`;
    await upload(app, { product: 'trail-map-print', keys: [first] });
    const { session } = await buyUnits(app, [['trail-map-print', 2], ['field-notes', 1]]);
    expect(keysOf(await orderOf(app, session.id), 'trail-map-print')).toEqual([first, null]);
    expect(keysOf(await orderOf(app, session.id), 'field-notes')).toHaveLength(1);
    const refill = [`UNIT-2-${crypto.randomUUID()}`, `UNIT-3-${crypto.randomUUID()}`];
    await upload(app, { product: 'trail-map-print', keys: refill });
    const views = await Promise.all([orderOf(app, session.id), orderOf(app, session.id)]);
    expect(keysOf(views[0]!, 'trail-map-print')).toEqual([first, refill[0]]);
    expect(keysOf(views[1]!, 'trail-map-print')).toEqual([first, refill[0]]);
    expect(await freeKeys()).toBe(1);
  });
});
