// The back office's orders: keyset pages, search, totals, the detail, refunds through
// Stripe (the order changes only on the webhook), and re-running a fulfilment.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { SalesTotals } from '../../../contract/api';
import { adminApi, adminEnv, adminGet, adminPost, seedOrder, uniqueRef } from '../support/back-office';
import { bodyOf, orderRow, outboxRow, refused, snapshot, testApp, testEnv } from '../support/app';
import { onSale, startCheckout, withStripe } from '../support/on-sale';
import { checkoutSession, delivery, event } from '../support/stripe';

type App = ReturnType<typeof testApp>;


/** A session paid in the fake Stripe, recorded by the shop (through the success page's lookup). */
async function paidOrder(app: App, clientReferenceId = uniqueRef('buyer')): Promise<string> {
  const { price } = await onSale(app);
  const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId });
  await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  expect((await app.client(withStripe()).api.orders[':sessionId'].$get({ param: { sessionId } })).status).toBe(200);
  return sessionId;
}

/** The newest event of `type` about `paymentIntent` the fake Stripe recorded. */
async function stripeEvent(type: string, paymentIntent: string) {
  const response = await fetch(`${env.FAKE_STRIPE_URL}/v1/events?type=${type}&limit=100`, { headers: { authorization: 'Bearer sk_test_worker_suite' } });
  const { data } = (await response.json()) as { data: { data: { object: { payment_intent?: string } } }[] };
  return data.find((e) => e.data.object.payment_intent === paymentIntent);
}

async function fakeRequests() {
  return ((await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as { requests: { path: string; params: Record<string, unknown>; idempotencyKey: string | null }[] }).requests;
}

describe('GET /api/admin/orders', () => {
  it('pages newest first by keyset; an order arriving between pages neither repeats nor skips a row', async () => {
    const app = testApp();
    const base = 4_000_000_000_000 + Math.floor(Math.random() * 1e9);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await seedOrder({ createdAt: base + i * 10 }));
    // Two orders in the same millisecond are ordered by id.
    ids.push(await seedOrder({ createdAt: base + 110 }));
    const createdAt = (id: string) => (ids.indexOf(id) === 12 ? base + 110 : base + ids.indexOf(id) * 10);
    const newestFirst = [...ids].sort((a, b) => createdAt(b) - createdAt(a) || (a < b ? 1 : -1));
    const start = `${base + 1000}~z`;
    const first = await bodyOf(adminApi(app).orders.$get({ query: { limit: '5', cursor: start } }));
    await seedOrder({ createdAt: base + 500 }); // a newer order arrives
    const seen = first.orders.map((o) => o.id);
    let next = first.next;
    while (next && seen.length < 13) {
      const page = await bodyOf(adminApi(app).orders.$get({ query: { limit: '5', cursor: next } }));
      seen.push(...page.orders.map((o) => o.id));
      next = page.next;
    }
    expect(seen.slice(0, 13)).toEqual(newestFirst);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by status', async () => {
    const app = testApp();
    const base = 4_100_000_000_000 + Math.floor(Math.random() * 1e9);
    const review = await seedOrder({ createdAt: base, status: 'review' });
    await seedOrder({ createdAt: base + 1, status: 'fulfilled' });
    const page = await bodyOf(adminApi(app).orders.$get({ query: { status: 'review', limit: '1', cursor: `${base + 10}~z` } }));
    expect(page.orders.map((o) => [o.id, o.status])).toEqual([[review, 'review']]);
  });

  it.each([
    ['the session id', (o: { id: string }) => o.id],
    ['the payment intent', (o: { paymentIntent: string }) => o.paymentIntent],
    ['the email in another case', (o: { email: string }) => o.email.toUpperCase()],
    ['the client reference id', (o: { clientReferenceId: string }) => o.clientReferenceId],
  ])('finds an order by %s, and only it', async (_name, term) => {
    const app = testApp();
    const seeded = { paymentIntent: `pi_${uniqueRef('Search')}`, email: `${uniqueRef('ada')}@example.com`, clientReferenceId: uniqueRef('buyer') };
    const id = await seedOrder({ createdAt: Date.now(), ...seeded });
    await seedOrder({ createdAt: Date.now() }); // another order
    const page = await bodyOf(adminApi(app).orders.$get({ query: { q: term({ id, ...seeded }) } }));
    expect(page.orders.map((o) => o.id)).toEqual([id]);
    expect(page.orders[0]).toMatchObject({ customerEmail: seeded.email, paymentIntent: seeded.paymentIntent, clientReferenceId: seeded.clientReferenceId });
  });

  it.each([
    ['an empty search', 'q=%20', /^q must not be empty/],
    ['an unknown status', 'status=teleported', /^status must be one of/],
    ['a forged cursor', 'cursor=1%20OR%201%3D1', /^cursor must be a cursor/],
    ['a page of 1000', 'limit=1000', /^limit must be a whole number from 1 to 100/],
  ])('%s → 400 naming the field', async (_name, query, message) => {
    const app = testApp();
    // Values the query's type would refuse (a status not in the list): raw requests.
    const body = await refused(app.send(adminGet(`orders?${query}`), adminEnv()), 400);
    expect(body.error).toMatch(message);
  });

  it('a cart order is named by every line it bought, in the list and in its detail, not by its first line', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), amountTotal: 4100 });
    await env.DB.prepare(`UPDATE orders SET product_id = 'enamel-mug' WHERE id = ?`).bind(id).run();
    const line = (position: number, description: string | null, product: string | null, quantity: number) =>
      env.DB.prepare('INSERT INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').bind(id, position, `price_${position}`, product, description, quantity, 1000, 'usd');
    await env.DB.batch([line(0, 'Field Notes Pattern Pack', 'prod_a', 1), line(1, null, 'trail-map-print', 2), line(2, 'Field Notes Club', 'prod_c', 1)]);
    const page = await bodyOf(adminApi(app).orders.$get({ query: { q: id } }));
    const expected = [
      { name: 'Field Notes Pattern Pack', quantity: 1 },
      { name: 'Trail Map Print', quantity: 2 },
      { name: 'Field Notes Club', quantity: 1 },
    ];
    expect(page.orders[0]!.lines).toEqual(expected);
    const listed = await bodyOf(adminApi(app).orders.$get({ query: { limit: '100', cursor: `${Date.now() + 1000}~z` } }));
    expect(listed.orders.find((o) => o.id === id)?.lines).toEqual(expected);
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id } }));
    expect(detail.order.lines).toEqual(expected);
  });

  it('answers with Cache-Control: no-store', async () => {
    const app = testApp();
    const response = await adminApi(app).orders.$get({ query: { limit: '1' } });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /api/admin/totals', () => {
  it('sums orders paid and kept today, in 7 and in 30 days, by currency', async () => {
    const now = Date.UTC(2026, 5, 15, 12);
    const app = testApp({ now: () => now });
    const currency = `x${crypto.randomUUID().slice(0, 6)}`;
    const hour = 3_600_000;
    const day = 24 * hour;
    await seedOrder({ createdAt: now - hour, currency, amountTotal: 1000 });
    await seedOrder({ createdAt: now - 2 * hour, currency, amountTotal: 5000, status: 'refunded' });
    await seedOrder({ createdAt: now - 3 * day, currency, amountTotal: 1500, status: 'paid' });
    await seedOrder({ createdAt: now - 20 * day, currency, amountTotal: 700, status: 'review' });
    await seedOrder({ createdAt: now - 40 * day, currency, amountTotal: 9000 });
    const totals = await bodyOf(adminApi(app).totals.$get());
    const of = (list: SalesTotals['today']) => list.find((t) => t.currency === currency);
    expect(of(totals.today)).toEqual({ currency, orders: 1, renewals: 0, amount: 1000 });
    expect(of(totals.last7Days)).toEqual({ currency, orders: 2, renewals: 0, amount: 2500 });
    expect(of(totals.last30Days)).toEqual({ currency, orders: 3, renewals: 0, amount: 3200 });
  });
});

describe('GET /api/admin/orders/:id', () => {
  it('shows line items, every event that touched the order with its outcome, and the delivery', async () => {
    const app = testApp();
    const session = checkoutSession({ payment_intent: `pi_${uniqueRef('Detail')}`, customer_details: { email: 'detail@example.com' } as never });
    const paid = event('checkout.session.completed', session);
    await app.send(await delivery(paid));
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.order).toMatchObject({ id: session.id, status: 'fulfilled', customerEmail: 'detail@example.com' });
    expect(detail.events.map((e) => [e.id, e.type, e.status])).toEqual([[paid.id, 'checkout.session.completed', 'processed']]);
    expect(detail.outbox).toEqual([expect.objectContaining({ kind: 'delivered', status: 'done' })]);
    expect(detail.lineItems.length).toBeGreaterThan(0);
    expect(detail.can).toEqual({ refund: true, rerunFulfilment: false, revokeAccess: true, restoreAccess: false, markShipped: false, markDelivered: false, resendReceipt: true });
  });

  it('the buyer’s email is in the back office only: the buyer-facing order API never returns it', async () => {
    const app = testApp();
    const session = checkoutSession({ customer_details: { email: 'private@example.com' } as never });
    await app.send(await delivery(event('checkout.session.completed', session)));
    const buyerView = await (await app.send(new Request(`https://shop.example/api/orders/${session.id}`))).text();
    expect(buyerView).not.toContain('private@example.com');
    const adminView = await adminApi(app).orders[':id'].$get({ param: { id: session.id } });
    expect(await adminView.text()).toContain('private@example.com');
  });

  it('another buyer with a session id of their own cannot reach the back office with it', async () => {
    const app = testApp();
    const session = checkoutSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    const asBuyer = await adminApi(app, adminEnv(), { authorization: `Bearer ${session.id}`, origin: 'https://shop.example' }).orders[':id'].$get({ param: { id: session.id } });
    expect(asBuyer.status).toBe(401);
    expect(await asBuyer.text()).not.toContain(session.id);
  });

  it('shows the licence keys issued, one per unit, and how often each file was downloaded', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now() });
    await env.DB.batch([
      env.DB.prepare("INSERT INTO licence_keys (product_id, key, source, order_id, unit, added_at, assigned_at) VALUES ('field-notes', ?, 'generated', ?, 1, 1, 1)").bind(`K2-${id}`, id),
      env.DB.prepare("INSERT INTO licence_keys (product_id, key, source, order_id, unit, added_at, assigned_at) VALUES ('field-notes', ?, 'generated', ?, 0, 1, 1)").bind(`K1-${id}`, id),
      env.DB.prepare("INSERT INTO download_counts (order_id, file_key, count, last_at) VALUES (?, 'field-notes/field-notes-pattern-pack.pdf', 3, 5000)").bind(id),
    ]);
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id } }));
    expect(detail.licenceKeys).toEqual([
      { product: 'field-notes', unit: 0, key: `K1-${id}` },
      { product: 'field-notes', unit: 1, key: `K2-${id}` },
    ]);
    expect(detail.downloadCounts).toEqual([{ file: 'field-notes/field-notes-pattern-pack.pdf', count: 3, lastAt: new Date(5000).toISOString() }]);
  });

  it('an unknown order → 404; a malformed id → 400', async () => {
    const app = testApp();
    expect((await adminApi(app).orders[':id'].$get({ param: { id: `cs_test_a1Unknown${crypto.randomUUID().replaceAll('-', '')}` } })).status).toBe(404);
    expect((await adminApi(app).orders[':id'].$get({ param: { id: 'not-a-session' } })).status).toBe(400);
  });
});

describe('POST /api/admin/orders/:id/refund', () => {
  it('asks Stripe with an idempotency key and changes nothing until charge.refunded arrives; then the order is refunded', async () => {
    const app = testApp();
    const sessionId = await paidOrder(app);
    const { payment_intent: paymentIntent } = (await orderRow(sessionId)) as { payment_intent: string };
    const before = await orderRow(sessionId);
    const requestId = uniqueRef('refund').slice(0, 40);
    const result = await bodyOf(adminApi(app).orders[':id'].refund.$post({ param: { id: sessionId }, json: { requestId } }), 202);
    expect(result).toMatchObject({ refund: { status: 'succeeded', amount: 1200, currency: 'usd' }, orderStatus: 'fulfilled' });
    const call = (await fakeRequests()).filter((r) => r.path === '/v1/refunds').at(-1);
    expect(call).toMatchObject({ params: { payment_intent: paymentIntent }, idempotencyKey: `admin-refund:${sessionId}:${requestId}` });
    expect(await orderRow(sessionId)).toEqual(before);
    expect(app.revocations).toHaveLength(0);

    const refunded = await stripeEvent('charge.refunded', paymentIntent);
    expect(refunded).toBeDefined();
    expect((await app.send(await delivery(refunded!), adminEnv())).status).toBe(200);
    expect(await orderRow(sessionId)).toMatchObject({ status: 'refunded' });
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: sessionId } }));
    expect(detail.actions).toEqual([expect.objectContaining({ action: 'refund_requested', actor: 'SYNC_TOKEN' })]);
    expect(detail.events.map((e) => e.type)).toContain('charge.refunded');
  });

  it('the same request sent twice (a double click) refunds once', async () => {
    const app = testApp();
    const sessionId = await paidOrder(app);
    const requestId = uniqueRef('twice').slice(0, 40);
    const first = await bodyOf(adminApi(app).orders[':id'].refund.$post({ param: { id: sessionId }, json: { requestId, amount: 500 } }), 202);
    const second = await bodyOf(adminApi(app).orders[':id'].refund.$post({ param: { id: sessionId }, json: { requestId, amount: 500 } }), 202);
    expect(second.refund.id).toBe(first.refund.id);
  });

  it.each([
    ['more than the order’s total', { amount: 999_999 }, 400],
    ['a negative amount', { amount: -5 }, 400],
    ['a fractional amount', { amount: 1.5 }, 400],
    ['no request id', {}, 400],
  ])('%s → 4xx, Stripe not asked, nothing changed', async (_name, body, status) => {
    const app = testApp();
    const sessionId = await paidOrder(app);
    const before = await snapshot();
    const refundsBefore = (await fakeRequests()).filter((r) => r.path === '/v1/refunds').length;
    // Malformed bodies: sent raw, past the typed client.
    const response = await app.send(adminPost(`orders/${sessionId}/refund`, 'amount' in body ? { requestId: uniqueRef('bad').slice(0, 40), ...body } : body), adminEnv());
    expect(response.status).toBe(status);
    expect((await fakeRequests()).filter((r) => r.path === '/v1/refunds').length).toBe(refundsBefore);
    expect(await snapshot()).toEqual(before);
  });

  it('an order that was never paid → 409, Stripe not asked', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'pending', paymentIntent: `pi_${uniqueRef('Pending')}` });
    const response = await adminApi(app).orders[':id'].refund.$post({ param: { id }, json: { requestId: uniqueRef('pending').slice(0, 40) } });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: 'an order in status pending cannot be refunded' });
  });

  it('without a Stripe key → 503 saying so', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), paymentIntent: `pi_${uniqueRef('NoKey')}` });
    const response = await adminApi(app, adminEnv({ STRIPE_SECRET_KEY: undefined })).orders[':id'].refund.$post({ param: { id }, json: { requestId: uniqueRef('nokey').slice(0, 40) } });
    expect(response.status).toBe(503);
  });

  it('posted as text/plain from a form elsewhere → 415, nothing asked of Stripe', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), paymentIntent: `pi_${uniqueRef('Form')}` });
    const response = await app.send(
      new Request(`https://shop.example/api/admin/orders/${id}/refund`, { method: 'POST', headers: { authorization: 'Bearer sync-token-for-tests', 'content-type': 'text/plain' }, body: '{}' }),
      adminEnv(),
    );
    expect(response.status).toBe(415);
  });
});

describe('POST /api/admin/orders/:id/rerun-fulfilment', () => {
  it('approves an order held for review: fulfilled, delivered once, logged with who did it; a second call → 409', async () => {
    const app = testApp();
    const session = checkoutSession({ metadata: { product_id: 'trail-map-print' }, currency: 'jpy', amount_subtotal: 1, amount_total: 1 });
    await app.send(await delivery(event('checkout.session.completed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'review' });
    const result = await bodyOf(adminApi(app).orders[':id']['rerun-fulfilment'].$post({ param: { id: session.id }, json: {} }));
    expect(result.orderStatus).toBe('fulfilled');
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', fulfilled_at: expect.any(Number) });
    expect(app.deliveries.map((d) => d.order.id)).toEqual([session.id]);
    const actions = await env.DB.prepare('SELECT actor, action FROM admin_actions WHERE subject = ?').bind(session.id).all();
    expect(actions.results).toEqual([{ actor: 'SYNC_TOKEN', action: 'fulfilment_rerun' }]);
    expect((await adminApi(app).orders[':id']['rerun-fulfilment'].$post({ param: { id: session.id }, json: {} })).status).toBe(409);
    expect(app.deliveries).toHaveLength(1);
  });

  it('approving an order held for review gives it the licence key its product declares, as a paid webhook does', async () => {
    const app = testApp();
    const session = checkoutSession({ metadata: { product_id: 'field-notes' }, currency: 'jpy', amount_subtotal: 1, amount_total: 1 });
    await app.send(await delivery(event('checkout.session.completed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'review' });
    expect((await adminApi(app).orders[':id']['rerun-fulfilment'].$post({ param: { id: session.id }, json: {} })).status).toBe(200);
    const keys = await env.DB.prepare('SELECT product_id AS product, source FROM licence_keys WHERE order_id = ?').bind(session.id).all();
    expect(keys.results).toEqual([{ product: 'field-notes', source: 'generated' }]);
  });

  it('queues a dead delivery again, and it is carried out', async () => {
    const app = testApp();
    const session = checkoutSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    await env.DB.prepare(`UPDATE outbox SET status = 'dead', attempts = 8, last_error = 'mail server refused' WHERE subject = ? AND kind = 'delivered'`).bind(session.id).run();
    const deliveredBefore = app.deliveries.length;
    expect((await adminApi(app).orders[':id']['rerun-fulfilment'].$post({ param: { id: session.id }, json: {} })).status).toBe(200);
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'done', attempts: 1 });
    expect(app.deliveries.length).toBe(deliveredBefore + 1);
  });

  it('a fulfilled order with its delivery done → 409, nothing changed', async () => {
    const app = testApp();
    const session = checkoutSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    const before = await snapshot();
    expect((await adminApi(app).orders[':id']['rerun-fulfilment'].$post({ param: { id: session.id }, json: {} })).status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });
});


describe('POST /api/admin/orders/:id/resend-receipt, and the emails an order shows', () => {
  const mail = () => ({ EMAIL_API_KEY: 're_test_local', EMAIL_FROM: 'Fieldwork Supply <orders@shop.example>', EMAIL_API_BASE: env.FAKE_STRIPE_URL, SITE_URL: 'https://shop.example' });
  const receiptsTo = async (address: string) =>
    ((await (await fetch(`${env.FAKE_STRIPE_URL}/mail?to=${encodeURIComponent(address)}`, { headers: { accept: 'application/json' } })).json()) as { messages: { subject: string }[] }).messages.filter((m) =>
      m.subject.startsWith('Your receipt'),
    );

  it('the order shows its receipt as sent, with when; Resend receipt sends a second one, logged with who asked', async () => {
    const app = testApp();
    const to = `${uniqueRef('resend')}@example.com`.toLowerCase();
    const session = checkoutSession({ customer_email: to, customer_details: { email: to } as never });
    await app.send(await delivery(event('checkout.session.completed', session)), testEnv(mail()));
    const before = await bodyOf(adminApi(app, adminEnv(mail())).orders[':id'].$get({ param: { id: session.id } }));
    expect(before.emails).toEqual([expect.objectContaining({ template: 'receipt', to, status: 'done', sentAt: expect.any(String) })]);
    expect(before.can.resendReceipt).toBe(true);
    await bodyOf(adminApi(app, adminEnv(mail())).orders[':id']['resend-receipt'].$post({ param: { id: session.id }, json: {} }), 202);
    expect(await receiptsTo(to)).toHaveLength(2);
    const after = await bodyOf(adminApi(app, adminEnv(mail())).orders[':id'].$get({ param: { id: session.id } }));
    expect(after.emails.map((e) => [e.template, e.status])).toEqual([
      ['receipt', 'done'],
      ['receipt', 'done'],
    ]);
    expect(after.actions.map((a) => a.action)).toContain('receipt_resent');
  });

  it('an order not fulfilled has no receipt to resend: 409, nothing queued', async () => {
    const app = testApp();
    const to = `${uniqueRef('pending')}@example.com`.toLowerCase();
    const session = checkoutSession({ payment_status: 'unpaid', customer_email: to, customer_details: { email: to } as never });
    await app.send(await delivery(event('checkout.session.completed', session)), testEnv(mail()));
    expect((await adminApi(app, adminEnv(mail())).orders[':id']['resend-receipt'].$post({ param: { id: session.id }, json: {} })).status).toBe(409);
    expect(await receiptsTo(to)).toHaveLength(0);
  });
});
