// The order state machine on the real spine (webhook → D1): partial refunds and net amounts,
// a dispute's outcome, the seller's revoke and restore, moves the table refuses, and shuffled,
// duplicated histories that end where the latest facts say.
import fc from 'fast-check';
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { downloadPath } from '../../../worker/delivery/links';
import { signLink } from '../../../worker/delivery/signature';
import { fileBytes, get, PDF_KEY, putFile } from '../delivery/support';
import { bodyOf, DOWNLOAD_SECRET, ledgerRow, orderRow, refused, snapshot, testApp } from '../support/app';
import { adminApi, seedOrder } from '../support/back-office';
import { checkoutSession, delivery, event, fixture, type TestEvent } from '../support/stripe';

type App = ReturnType<typeof testApp>;

beforeEach(async () => {
  await putFile(PDF_KEY, fileBytes(2000), 'application/pdf');
});

const charge = (overrides: Partial<Stripe.Charge>) => ({ ...fixture<Stripe.Charge>('charge'), amount: 1200, ...overrides });
const dispute = (overrides: Partial<Stripe.Dispute>) => ({ ...fixture<Stripe.Dispute>('dispute'), ...overrides });

async function fulfilledOrder(app: App) {
  const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
  const session = checkoutSession({ payment_intent: paymentIntent });
  await app.send(await delivery(event('checkout.session.completed', session)));
  return { session, paymentIntent, token: app.tokens.at(-1)! };
}

async function download(app: App, token: string): Promise<Response> {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const signature = await signLink(DOWNLOAD_SECRET, { token, key: PDF_KEY, expires });
  return app.send(get(downloadPath(token, PDF_KEY, expires, signature)));
}


/** Today's sales in dollars: orders and net amount. */
async function usdToday(app: App) {
  const totals = await bodyOf(adminApi(app).totals.$get());
  return totals.today.find((t) => t.currency === 'usd') ?? { currency: 'usd', orders: 0, renewals: 0, amount: 0 };
}

const send = async (app: App, e: TestEvent) => expect((await app.send(await delivery(e))).status).toBe(200);

describe('partial refunds: amounts kept net', () => {
  it('a $5 refund of a $12 order shows paid 1200, refunded 500, net 700 in the back office, and the totals count 700', async () => {
    const app = testApp();
    const before = await usdToday(app);
    const { session, paymentIntent } = await fulfilledOrder(app);
    await send(app, event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: false, amount_refunded: 500 })));

    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.order).toMatchObject({ status: 'partially_refunded', amountTotal: 1200, amountRefunded: 500, amountNet: 700 });
    expect(detail.can.refund).toBe(true);
    expect(await usdToday(app)).toEqual({ currency: 'usd', orders: before.orders + 1, renewals: before.renewals, amount: before.amount + 700 });
  });

  it('a second partial refund raises the amount refunded; a redelivered older one lowers nothing', async () => {
    const app = testApp();
    const { session, paymentIntent } = await fulfilledOrder(app);
    const first = event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: false, amount_refunded: 200 }));
    await send(app, first);
    await send(app, event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: false, amount_refunded: 700 })));
    await send(app, { ...first, id: `${first.id}x` });
    expect(await orderRow(session.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 700 });
  });

  it('a refund asked for more than what remains → 400 naming the remainder, Stripe not asked, nothing changed', async () => {
    const app = testApp();
    const { session, paymentIntent } = await fulfilledOrder(app);
    await send(app, event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: false, amount_refunded: 500 })));
    const before = await snapshot();
    const body = await refused(adminApi(app).orders[':id'].refund.$post({ param: { id: session.id }, json: { amount: 701, requestId: 'req_more_than_remains_01' } }), 400);
    expect(body.error).toMatch(/more than what remains to refund, 700/);
    expect(await snapshot()).toEqual(before);
  });

  it('a partial refund that arrives before its payment is applied when the order is recorded', async () => {
    const app = testApp();
    const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    await send(app, event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: false, amount_refunded: 300 })));
    const session = checkoutSession({ payment_intent: paymentIntent });
    await send(app, event('checkout.session.completed', session));
    expect(await orderRow(session.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 300 });
    expect((await download(app, app.tokens.at(-1)!)).status).toBe(200);
  });
});

describe('a dispute’s outcome (charge.dispute.closed)', () => {
  it('won: the download that stopped during the dispute works again', async () => {
    const app = testApp();
    const { session, paymentIntent, token } = await fulfilledOrder(app);
    await send(app, event('charge.dispute.created', dispute({ payment_intent: paymentIntent, status: 'needs_response' })));
    expect((await download(app, token)).status).toBe(410);
    await send(app, event('charge.dispute.closed', dispute({ payment_intent: paymentIntent, status: 'won' })));
    expect(await orderRow(session.id)).toMatchObject({ status: 'dispute_won' });
    expect((await download(app, token)).status).toBe(200);
  });

  it('lost: the order stays revoked, its download refused, and it counts nothing in the totals', async () => {
    const app = testApp();
    const before = await usdToday(app);
    const { session, paymentIntent, token } = await fulfilledOrder(app);
    await send(app, event('charge.dispute.created', dispute({ payment_intent: paymentIntent })));
    await send(app, event('charge.dispute.closed', dispute({ payment_intent: paymentIntent, status: 'lost' })));
    expect(await orderRow(session.id)).toMatchObject({ status: 'dispute_lost' });
    expect((await download(app, token)).status).toBe(410);
    expect(await usdToday(app)).toEqual(before);
  });

  it('a move the table refuses (a dispute opened on a refunded order) changes nothing and is logged in the event’s note', async () => {
    const app = testApp();
    const { session, paymentIntent } = await fulfilledOrder(app);
    await send(app, event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true, amount_refunded: 1200 })));
    const opened = event('charge.dispute.created', dispute({ payment_intent: paymentIntent }));
    await send(app, opened);
    expect(await orderRow(session.id)).toMatchObject({ status: 'refunded', amount_refunded: 1200 });
    expect(await ledgerRow(opened.id)).toMatchObject({ status: 'processed', note: `order ${session.id} is refunded: the move to disputed is not in the state table; refused` });
  });
});

describe('the seller’s revoke and restore (no money moves)', () => {
  it('revoke stops the download, runs the revoke hook once and logs who and why; restore brings the download back and logs it', async () => {
    const app = testApp();
    const { session, token } = await fulfilledOrder(app);
    const revoked = await bodyOf(adminApi(app).orders[':id']['revoke-access'].$post({ param: { id: session.id }, json: { reason: 'shared the link publicly' } }));
    expect(revoked.orderStatus).toBe('revoked');
    expect((await download(app, token)).status).toBe(410);
    expect(app.revocations.map((r) => r.reason)).toEqual(['revoked']);

    await bodyOf(adminApi(app).orders[':id']['restore-access'].$post({ param: { id: session.id }, json: { reason: 'buyer apologised' } }));
    expect(await orderRow(session.id)).toMatchObject({ status: 'restored', amount_refunded: 0 });
    expect((await download(app, token)).status).toBe(200);

    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.actions.map((a) => [a.action, a.actor, a.detail])).toEqual([
      ['access_revoked', 'SYNC_TOKEN', { from: 'fulfilled', reason: 'shared the link publicly' }],
      ['access_restored', 'SYNC_TOKEN', { from: 'revoked', reason: 'buyer apologised' }],
    ]);
  });

  it('restore of an order the seller did not revoke → 409 naming both states, nothing changed', async () => {
    const app = testApp();
    const { session } = await fulfilledOrder(app);
    const before = await snapshot();
    const body = await refused(adminApi(app).orders[':id']['restore-access'].$post({ param: { id: session.id }, json: { reason: 'why not' } }), 409);
    expect(body.error).toBe('an order that is fulfilled cannot become restored by the seller');
    expect(await snapshot()).toEqual(before);
  });

  it('revoke without a reason → 400 naming the field, nothing changed', async () => {
    const app = testApp();
    const { session } = await fulfilledOrder(app);
    const before = await snapshot();
    const body = await refused(adminApi(app).orders[':id']['revoke-access'].$post({ param: { id: session.id }, json: { reason: '  ' } }), 400);
    expect(body.error).toMatch(/^reason must say why/);
    expect(await snapshot()).toEqual(before);
  });

  it('revoke of a refunded order → 409: the money already revoked it', async () => {
    const app = testApp();
    const { session, paymentIntent } = await fulfilledOrder(app);
    await send(app, event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true })));
    await refused(adminApi(app).orders[':id']['revoke-access'].$post({ param: { id: session.id }, json: { reason: 'x' } }), 409);
  });
});

// ─── shuffled histories ─────────────────────────────────────────────────────

type Fact = { kind: 'partial'; amount: number } | { kind: 'refund' } | { kind: 'opened' } | { kind: 'won' } | { kind: 'lost' };

/** What the facts imply, whatever order they came in: a full refund, then a dispute's outcome, its opening, a partial refund. */
function implied(facts: Fact[]): { status: string; refunded: number } {
  const partial = Math.max(0, ...facts.map((f) => (f.kind === 'partial' ? f.amount : 0)));
  if (facts.some((f) => f.kind === 'refund')) return { status: 'refunded', refunded: 1200 };
  const outcome = facts.find((f) => f.kind === 'won' || f.kind === 'lost');
  if (outcome) return { status: outcome.kind === 'won' ? 'dispute_won' : 'dispute_lost', refunded: partial };
  if (facts.some((f) => f.kind === 'opened')) return { status: 'disputed', refunded: partial };
  return { status: partial > 0 ? 'partially_refunded' : 'fulfilled', refunded: partial };
}

const factEvent = (fact: Fact, paymentIntent: string): TestEvent => {
  switch (fact.kind) {
    case 'partial':
      return event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: false, amount_refunded: fact.amount }));
    case 'refund':
      return event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true, amount_refunded: 1200 }));
    case 'opened':
      return event('charge.dispute.created', dispute({ payment_intent: paymentIntent, status: 'needs_response' }));
    case 'won':
    case 'lost':
      return event('charge.dispute.closed', dispute({ payment_intent: paymentIntent, status: fact.kind }));
  }
};

describe('shuffled, duplicated histories', () => {
  it('end in the state and amounts the latest facts imply, whatever the delivery order (the payment itself anywhere in it)', async () => {
    const factArb = fc.oneof(
      fc.integer({ min: 1, max: 1100 }).map((amount): Fact => ({ kind: 'partial', amount })),
      fc.constant<Fact>({ kind: 'refund' }),
      fc.constant<Fact>({ kind: 'opened' }),
    );
    const historyArb = fc
      .tuple(fc.array(factArb, { maxLength: 4 }), fc.constantFrom<Fact[]>([], [{ kind: 'opened' }, { kind: 'won' }], [{ kind: 'opened' }, { kind: 'lost' }]))
      // Stripe refuses to refund a disputed charge, so a lost dispute and a full refund never both happen.
      .map(([facts, dispute]) => [...(dispute.some((f) => f.kind === 'lost') ? facts.filter((f) => f.kind !== 'refund') : facts), ...dispute]);
    await fc.assert(
      fc.asyncProperty(historyArb, fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), async (facts, sortKeys, paymentAt, duplicates) => {
        const app = testApp();
        const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
        const session = checkoutSession({ payment_intent: paymentIntent });
        const events = facts.map((fact) => factEvent(fact, paymentIntent));
        const all = events.map((e, i) => [sortKeys[i]!, e] as const).sort(([a], [b]) => a - b).map(([, e]) => e);
        all.splice(paymentAt % (all.length + 1), 0, event('checkout.session.completed', session));
        // Stripe redelivers: the same event (same id) again, anywhere later.
        for (const d of duplicates) all.push(all[d % all.length]!);
        for (const e of all) await send(app, e);
        const expected = implied(facts);
        expect(await orderRow(session.id)).toMatchObject({ status: expected.status, amount_refunded: expected.refunded });
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});

describe('the seller’s mark shipped', () => {
  it('an order awaiting shipment becomes shipped with its carrier and tracking number, logged with who; a second mark → 409', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'awaiting_shipment' });
    const shipped = await bodyOf(adminApi(app).orders[':id']['mark-shipped'].$post({ param: { id }, json: { carrier: 'La Poste', trackingNumber: 'LP 0042-17' } }));
    expect(shipped.orderStatus).toBe('shipped');
    expect(await orderRow(id)).toMatchObject({ status: 'shipped', shipping_carrier: 'La Poste', tracking_number: 'LP 0042-17', shipped_at: expect.any(Number) });
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id } }));
    expect(detail.shipment).toMatchObject({ carrier: 'La Poste', trackingNumber: 'LP 0042-17' });
    expect(detail.actions.map((a) => [a.action, a.actor])).toEqual([['marked_shipped', 'SYNC_TOKEN']]);
    await refused(adminApi(app).orders[':id']['mark-shipped'].$post({ param: { id }, json: { carrier: 'La Poste', trackingNumber: 'LP 0042-18' } }), 409);
  });

  it('a fulfilled digital order cannot be marked shipped → 409, nothing changed', async () => {
    const app = testApp();
    const { session } = await fulfilledOrder(app);
    const before = await snapshot();
    await refused(adminApi(app).orders[':id']['mark-shipped'].$post({ param: { id: session.id }, json: { carrier: 'x', trackingNumber: '1' } }), 409);
    expect(await snapshot()).toEqual(before);
  });
});
