import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_BYTES } from '../../../worker/routes/webhooks';
import { ledgerRow, orderRow, refusalOf, snapshot, testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event, fixture, signatureHeader, WEBHOOK_SECRET } from '../support/stripe';

const completedEvent = (overrides: Parameters<typeof checkoutSession>[0] = {}) => event('checkout.session.completed', checkoutSession(overrides));

async function errorOf(response: Response): Promise<string> {
  return refusalOf(response);
}

/** A D1 binding whose batches fail: the event's one batch (claim, writes, outbox) dies. */
function failingBatches(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'batch') return () => Promise.reject(new Error('D1_ERROR: injected write failure'));
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('POST /webhooks/stripe: rejections change nothing', () => {
  const now = Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<Request>, number, RegExp][] = [
    ['missing header', async () => delivery(completedEvent(), { header: null }), 400, /missing Stripe-Signature/],
    ['garbage header', async () => delivery(completedEvent(), { header: 'garbage' }), 400, /malformed/],
    [
      'only a v0 signature',
      async () => {
        const body = JSON.stringify(completedEvent());
        return delivery(body, { header: (await signatureHeader(body)).replace('v1=', 'v0=') });
      },
      400,
      /no v1 signature/,
    ],
    ['wrong secret', async () => delivery(completedEvent(), { secret: 'whsec_not_ours' }), 400, /no signature matches/],
    [
      'tampered body',
      async () => {
        const body = JSON.stringify(completedEvent());
        expect(body).toContain('"amount_total":1200');
        return delivery(body.replace('"amount_total":1200', '"amount_total":1'), { header: await signatureHeader(body) });
      },
      400,
      /no signature matches/,
    ],
    [
      'one byte of whitespace added',
      async () => {
        const body = JSON.stringify(completedEvent());
        return delivery(`${body} `, { header: await signatureHeader(body) });
      },
      400,
      /no signature matches/,
    ],
    [
      '9 v1 signatures, one of them valid',
      async () => {
        const body = JSON.stringify(completedEvent());
        const bogus = Array.from({ length: 8 }, (_, i) => `v1=${i.toString(16).repeat(64)}`).join(',');
        return delivery(body, { header: `${await signatureHeader(body)},${bogus}` });
      },
      400,
      /more than 8 v1 signatures/,
    ],
    [
      'Stripe-Signature header over 8 KiB, its signature valid',
      async () => {
        const body = JSON.stringify(completedEvent());
        return delivery(body, { header: `${await signatureHeader(body)},x=${'a'.repeat(8 * 1024)}` });
      },
      400,
      /longer than 8192 characters/,
    ],
    ['timestamp 301 s old', async () => delivery(completedEvent(), { timestamp: now - 301 }), 400, /tolerance/],
    ['timestamp far in the future', async () => delivery(completedEvent(), { timestamp: now + 86_400 }), 400, /tolerance/],
    ['signed body that is not JSON', async () => delivery('{"id": "evt_1", '), 400, /not valid JSON/],
    ['signed JSON that is not an event', async () => delivery({ object: 'charge', id: 'ch_1' }), 400, /not a Stripe event/],
    [
      'body over 1 MiB',
      async () => {
        const session = checkoutSession({ metadata: { product_id: 'field-notes', padding: 'x'.repeat(MAX_WEBHOOK_BYTES) } });
        return delivery(event('checkout.session.completed', session));
      },
      413,
      /payload larger than/,
    ],
  ];

  it.each(cases)('%s', async (_name, makeRequest, status, reason) => {
    const { send, calls } = testApp();
    const request = await makeRequest();
    const before = await snapshot();

    const response = await send(request);

    expect(response.status).toBe(status);
    expect(await errorOf(response)).toMatch(reason);
    expect(await snapshot()).toEqual(before);
    expect(calls).toHaveLength(0);
  });

  it('a body of exactly 1 MiB is read, and one more byte is refused', async () => {
    const { send } = testApp();
    const exact = new Request('https://shop.example/webhooks/stripe', { method: 'POST', body: 'x'.repeat(MAX_WEBHOOK_BYTES), headers: { 'stripe-signature': 'garbage' } });
    expect((await send(exact)).status).toBe(400);
    const over = new Request('https://shop.example/webhooks/stripe', { method: 'POST', body: 'x'.repeat(MAX_WEBHOOK_BYTES + 1), headers: { 'stripe-signature': 'garbage' } });
    expect((await send(over)).status).toBe(413);
  });

  it('other methods → 405 with Allow: POST', async () => {
    const { send } = testApp();
    const response = await send(new Request('https://shop.example/webhooks/stripe', { method: 'GET' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await errorOf(response)).toMatch(/POST/);
  });

  it('no configured secret → 500 so that Stripe keeps the event and retries', async () => {
    const { send } = testApp();
    const before = await snapshot();
    const response = await send(await delivery(completedEvent()), testEnv({ STRIPE_WEBHOOK_SECRET: ' , ' }));
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toMatch(/STRIPE_WEBHOOK_SECRET is not configured/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('POST /webhooks/stripe: secrets', () => {
  it('accepts events signed with any of several configured secrets (rotation), with stray whitespace', async () => {
    const { send } = testApp();
    const environment = testEnv({ STRIPE_WEBHOOK_SECRET: ` whsec_old_secret ,\n ${WEBHOOK_SECRET}\n` });
    const signedWithOld = await send(await delivery(completedEvent(), { secret: 'whsec_old_secret' }), environment);
    const signedWithNew = await send(await delivery(completedEvent()), environment);
    expect([signedWithOld.status, signedWithNew.status]).toEqual([200, 200]);
  });
});

describe('POST /webhooks/stripe: checkout events', () => {
  it('completed + paid → fulfilled, with the hook told the order and product', async () => {
    const { send, calls, tokens } = testApp();
    const session = checkoutSession();
    expect((await send(await delivery(event('checkout.session.completed', session)))).status).toBe(200);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', delivery_token: tokens[0], mode: 'payment', livemode: 0 });
    expect(calls[0]!.order).toMatchObject({ id: session.id, clientReferenceId: 'buyer_123', amountTotal: 1200 });
    expect(calls[0]!.product?.id).toBe('field-notes');
  });

  it('completed + no_payment_required → fulfilled', async () => {
    const { send } = testApp();
    const session = checkoutSession({ payment_status: 'no_payment_required', amount_total: 0 });
    await send(await delivery(event('checkout.session.completed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });

  it('completed + unpaid → pending, then async_payment_succeeded → fulfilled', async () => {
    const { send, calls, tokens } = testApp();
    const session = checkoutSession({ payment_status: 'unpaid' });
    await send(await delivery(event('checkout.session.completed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'pending', fulfilled_at: null, delivery_token: null });
    expect(calls).toHaveLength(0);

    await send(await delivery(event('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' })));
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', delivery_token: tokens[0] });
    expect(calls).toHaveLength(1);
  });

  it('async_payment_failed → payment_failed', async () => {
    const { send, calls } = testApp();
    const session = checkoutSession({ payment_status: 'unpaid' });
    await send(await delivery(event('checkout.session.completed', session)));
    await send(await delivery(event('checkout.session.async_payment_failed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'payment_failed', fulfilled_at: null });
    expect(calls).toHaveLength(0);
  });

  it('expired → expired', async () => {
    const { send } = testApp();
    const session = checkoutSession({ status: 'expired', payment_status: 'unpaid' });
    await send(await delivery(event('checkout.session.expired', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'expired' });
  });

  it('out of order: a late completed(unpaid) does not undo a fulfilment', async () => {
    const { send, tokens } = testApp();
    const session = checkoutSession({ payment_status: 'unpaid' });
    await send(await delivery(event('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' })));
    const response = await send(await delivery(event('checkout.session.completed', session)));
    expect(response.status).toBe(200);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', delivery_token: tokens[0] });
  });

  it('holds a paid session from a Payment Link the catalog does not know for review, unfulfilled', async () => {
    const { send, calls } = testApp();
    const session = checkoutSession({ metadata: {}, payment_link: 'plink_unknown_to_catalog' });
    const paid = event('checkout.session.completed', session);
    await send(await delivery(paid));
    expect(await orderRow(session.id)).toMatchObject({ status: 'review', payment_link: 'plink_unknown_to_catalog', product_id: null, delivery_token: null });
    expect(calls).toHaveLength(0);
    expect(await ledgerRow(paid.id)).toMatchObject({ status: 'processed', note: expect.stringMatching(/held for review: the session names no product/) });
  });

  it('an event type without a handler → 200 and stored as ignored', async () => {
    const { send } = testApp();
    const plan = fixture<{ id: string }>('event');
    const unhandled = { ...plan, id: `evt_ignored_${crypto.randomUUID().replaceAll('-', '')}` };
    const response = await send(await delivery(unhandled));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'ignored' });
    expect(await ledgerRow(unhandled.id)).toMatchObject({ status: 'ignored', type: 'plan.created' });
  });
});

describe('POST /webhooks/stripe: redelivery and races', () => {
  it('a redelivery of a processed event answers 200 and does nothing', async () => {
    const { send, deliveries } = testApp();
    const completed = completedEvent();
    await send(await delivery(completed));
    const before = await snapshot();

    const again = await send(await delivery(completed));

    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, outcome: 'duplicate' });
    expect(deliveries).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
  });

  it('a failing hook → 500, ledger failed with the error, no order; the next delivery fulfils', async () => {
    const { send, calls, failNextWith } = testApp();
    const completed = completedEvent();
    const sessionId = (completed.data.object as { id: string }).id;

    failNextWith(new Error('warehouse unreachable'));
    const first = await send(await delivery(completed));
    expect(first.status).toBe(500);
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'warehouse unreachable' });
    expect(await orderRow(sessionId)).toBeNull();

    failNextWith(null);
    const retry = await send(await delivery(completed));
    expect(retry.status).toBe(200);
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'processed', attempts: 2, last_error: null });
    expect(await orderRow(sessionId)).toMatchObject({ status: 'fulfilled' });
    expect(calls).toHaveLength(2);
  });

  it('a failing D1 write → 500, nothing half-written; the next delivery fulfils', async () => {
    const { send } = testApp();
    const completed = completedEvent();
    const sessionId = (completed.data.object as { id: string }).id;

    const first = await send(await delivery(completed), testEnv({ DB: failingBatches(env.DB) }));
    expect(first.status).toBe(500);
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'failed', last_error: 'D1_ERROR: injected write failure' });
    expect(await orderRow(sessionId)).toBeNull();

    expect((await send(await delivery(completed))).status).toBe(200);
    expect(await orderRow(sessionId)).toMatchObject({ status: 'fulfilled' });
  });

  it('100 concurrent deliveries of one event → one ledger row, one fulfilment, one delivery', async () => {
    const { send, deliveries } = testApp();
    const completed = completedEvent();
    const body = JSON.stringify(completed);
    const header = await signatureHeader(body);

    const responses = await Promise.all(Array.from({ length: 100 }, async () => send(await delivery(body, { header }))));

    const statuses = responses.map((response) => response.status);
    expect(statuses).toEqual(Array(100).fill(200));
    expect(deliveries).toHaveLength(1);
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(bodies.filter((body) => expect.objectContaining({ outcome: 'processed' }).asymmetricMatch(body))).toHaveLength(1);
    const { results } = await env.DB.prepare('SELECT status, attempts FROM stripe_events WHERE id = ?').bind(completed.id).all();
    expect(results).toEqual([{ status: 'processed', attempts: 1 }]);
  });

  it('completed and async_payment_succeeded racing → fulfilled once', async () => {
    const { send, tokens } = testApp();
    const session = checkoutSession();
    const [a, b] = await Promise.all([
      delivery(event('checkout.session.completed', session)).then(send),
      delivery(event('checkout.session.async_payment_succeeded', session)).then(send),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const order = await orderRow(session.id);
    expect(order).toMatchObject({ status: 'fulfilled' });
    // Whichever won, its token is the one recorded and fulfilled_at was written once.
    expect(tokens).toContain(order!.delivery_token);
  });

  it('a "received" row left by the earlier two-batch design (its worker died mid-event) is taken over by the next delivery', async () => {
    const { send, deliveries } = testApp();
    const completed = completedEvent();
    // No delivery holds an event between batches any more: claim and commit are one transaction.
    await env.DB.prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, lease_until, received_at, payload)
       VALUES (?, 'checkout.session.completed', ?, 0, 'received', 1, ?, ?, '{}')`,
    )
      .bind(completed.id, completed.created, Date.now() + 30_000, Date.now())
      .run();

    const takenOver = await send(await delivery(completed));
    expect(takenOver.status).toBe(200);
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(deliveries).toHaveLength(1);
  });
});
