// The order state machine on the real spine (webhook → D1): partial refunds and net amounts,
// a dispute's outcome, the seller's revoke and restore, moves the table refuses, and shuffled,
// duplicated histories (of a one-time order; of a subscription order with its renewals, a renewal's
// refund and the seller's revoke and restore) that end where the latest facts say.
import fc from 'fast-check';
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { downloadPath } from '../../../worker/delivery/links';
import { signLink } from '../../../worker/delivery/signature';
import { fileBytes, get, PDF_KEY, putFile } from '../delivery/support';
import { bodyOf, DOWNLOAD_SECRET, ledgerRow, orderRow, refused, snapshot, testApp } from '../support/app';
import { adminApi, seedOrder } from '../support/back-office';
import { checkoutSession, delivery, event, fixture, type TestEvent } from '../support/stripe';
import { KEEPS_MONEY, type OrderStatus } from '../../../contract/order-states';
import type { SalesTotal } from '../../../contract/api';
import { CLUB, DAY_S, invoice, periodRows, subscriptionSession } from './support';

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
function implied(facts: Fact[], amount = 1200): { status: OrderStatus; refunded: number } {
  const partial = Math.max(0, ...facts.map((f) => (f.kind === 'partial' ? f.amount : 0)));
  if (facts.some((f) => f.kind === 'refund')) return { status: 'refunded', refunded: amount };
  const outcome = facts.find((f) => f.kind === 'won' || f.kind === 'lost');
  if (outcome) return { status: outcome.kind === 'won' ? 'dispute_won' : 'dispute_lost', refunded: partial };
  if (facts.some((f) => f.kind === 'opened')) return { status: 'disputed', refunded: partial };
  return { status: partial > 0 ? 'partially_refunded' : 'fulfilled', refunded: partial };
}

const factEvent = (fact: Fact, paymentIntent: string, amount = 1200): TestEvent => {
  switch (fact.kind) {
    case 'partial':
      return event('charge.refunded', charge({ payment_intent: paymentIntent, amount, refunded: false, amount_refunded: fact.amount }));
    case 'refund':
      return event('charge.refunded', charge({ payment_intent: paymentIntent, amount, refunded: true, amount_refunded: amount }));
    case 'opened':
      return event('charge.dispute.created', dispute({ payment_intent: paymentIntent, status: 'needs_response' }));
    case 'won':
    case 'lost':
      return event('charge.dispute.closed', dispute({ payment_intent: paymentIntent, status: fact.kind }));
  }
};

/** What may happen to one charge of `amount`: partial refunds, a full refund, a dispute opened, won or lost. */
const chargeHistoryArb = (amount: number) => {
  const factArb = fc.oneof(
    fc.integer({ min: 1, max: amount - 100 }).map((refunded): Fact => ({ kind: 'partial', amount: refunded })),
    fc.constant<Fact>({ kind: 'refund' }),
    fc.constant<Fact>({ kind: 'opened' }),
  );
  return (
    fc
      .tuple(fc.array(factArb, { maxLength: 4 }), fc.constantFrom<Fact[]>([], [{ kind: 'opened' }, { kind: 'won' }], [{ kind: 'opened' }, { kind: 'lost' }]))
      // Stripe refuses to refund a disputed charge, so a lost dispute and a full refund never both happen.
      .map(([facts, dispute]) => [...(dispute.some((f) => f.kind === 'lost') ? facts.filter((f) => f.kind !== 'refund') : facts), ...dispute])
  );
};

describe('shuffled, duplicated histories', () => {
  it('end in the state and amounts the latest facts imply, whatever the delivery order (the payment itself anywhere in it)', async () => {
    await fc.assert(
      fc.asyncProperty(chargeHistoryArb(1200), fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), async (facts, sortKeys, paymentAt, duplicates) => {
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

// ─── shuffled histories of a subscription order ─────────────────────────────

/** One step of a history: an event Stripe delivers, or the seller's hand in the back office. */
type Step = { event: TestEvent } | { seller: 'revoke' | 'restore' };

/** What happened to a subscription order besides its first charge: renewals paid, maybe one of them refunded. */
const renewalsArb = fc.record({
  firstInvoice: fc.boolean(),
  renewals: fc.integer({ min: 0, max: 3 }),
  refund: fc.option(fc.record({ renewal: fc.nat(), amount: fc.integer({ min: 1, max: CLUB.price.amount }) }), { nil: null }),
});

/**
 * A subscription order's events (its checkout, its invoices, refunds of a renewal and `firstFacts`
 * about its first charge), in the order `sortKeys` shuffle them, the checkout at `checkoutAt`, then
 * `duplicates` redelivered; the seller's `actions`, in their order, at points after the checkout.
 */
function subscriptionHistory(
  history: { firstInvoice: boolean; renewals: number; refund: { renewal: number; amount: number } | null },
  firstFacts: Fact[],
  shuffle: { sortKeys: number[]; checkoutAt: number; duplicates: number[]; actions: ('revoke' | 'restore')[]; actionAt: number[] },
) {
  const price = CLUB.price.amount;
  // In the shop's currency (another one would hold the order for review), so the totals are read as a difference.
  const currency = 'usd';
  const { session, subscription, firstPaymentIntent } = subscriptionSession(currency);
  const start = Math.floor(Date.now() / 1000);
  const first = history.firstInvoice ? [invoice({ subscription, billingReason: 'subscription_create', paymentIntent: firstPaymentIntent, currency, periodStart: start })] : [];
  const renewals = Array.from({ length: history.renewals }, (_, i) => invoice({ subscription, currency, periodStart: start + (i + 1) * 30 * DAY_S }));
  const refunded = history.refund && renewals.length > 0 ? { invoice: renewals[history.refund.renewal % renewals.length]!, amount: history.refund.amount } : null;
  const events = [
    ...firstFacts.map((fact) => factEvent(fact, firstPaymentIntent, price)),
    ...[...first, ...renewals].map((paid) => event('invoice.paid', paid)),
    ...(refunded
      ? [event('charge.refunded', charge({ payment_intent: refunded.invoice.payments.data[0]!.payment.payment_intent, amount: price, refunded: refunded.amount === price, amount_refunded: refunded.amount }))]
      : []),
  ];
  const delivered = events.map((e, i) => [shuffle.sortKeys[i % shuffle.sortKeys.length]!, i, e] as const).sort(([a, i], [b, j]) => a - b || i - j).map(([, , e]) => e);
  const checkoutAt = shuffle.checkoutAt % (delivered.length + 1);
  delivered.splice(checkoutAt, 0, event('checkout.session.completed', session));
  // Stripe redelivers: the same event (same id) again, anywhere later.
  for (const d of shuffle.duplicates) delivered.push(delivered[d % delivered.length]!);
  const steps: Step[] = delivered.map((e) => ({ event: e }));
  const slots = shuffle.actions.map((_, j) => checkoutAt + 1 + (shuffle.actionAt[j % shuffle.actionAt.length]! % (steps.length - checkoutAt))).sort((a, b) => a - b);
  for (let j = shuffle.actions.length - 1; j >= 0; j--) steps.splice(slots[j]!, 0, { seller: shuffle.actions[j]! });
  return { session, subscription, currency, steps, first, renewals, refunded };
}

async function play(app: App, orderId: string, steps: Step[]) {
  for (const step of steps) {
    if ('event' in step) await send(app, step.event);
    else await bodyOf(adminApi(app).orders[':id'][`${step.seller}-access`].$post({ param: { id: orderId }, json: { reason: 'the seller’s call' } }));
  }
}

/**
 * The periods table and the sales totals after the history: one row per distinct invoice (the
 * first one's money state the first charge's), and each paid renewal counted once, net of its refund.
 */
async function expectPeriodsAndTotals(app: App, history: ReturnType<typeof subscriptionHistory>, order: { status: OrderStatus; refunded: number }, before: SalesTotal) {
  const price = CLUB.price.amount;
  const { subscription, currency, first, renewals, refunded } = history;
  expect(await periodRows(subscription)).toEqual([
    ...first.map((paid) =>
      expect.objectContaining({ invoice_id: paid.id, status: 'paid', billing_reason: 'subscription_create', money_status: ['fulfilled', 'revoked', 'restored'].includes(order.status) ? null : order.status, amount_refunded: order.refunded }),
    ),
    ...renewals.map((paid) =>
      expect.objectContaining({
        invoice_id: paid.id,
        status: 'paid',
        amount_paid: price,
        money_status: refunded?.invoice === paid ? (refunded.amount === price ? 'refunded' : 'partially_refunded') : null,
        amount_refunded: refunded?.invoice === paid ? refunded.amount : 0,
      }),
    ),
  ]);
  const keeps = (KEEPS_MONEY as readonly string[]).includes(order.status);
  expect(await usdToday(app)).toEqual({
    currency,
    orders: before.orders + (keeps ? 1 : 0),
    renewals: before.renewals + renewals.length,
    amount: before.amount + (keeps ? price - order.refunded : 0) + renewals.length * price - (refunded?.amount ?? 0),
  });
}

const shuffleArb = fc.record({
  sortKeys: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  checkoutAt: fc.nat(),
  duplicates: fc.array(fc.nat(), { maxLength: 4 }),
});

describe('shuffled, duplicated histories of a subscription order', () => {
  it('end in the status its first charge’s facts imply (a renewal and its refund never move the order), with one period per distinct invoice and each paid renewal counted once in the totals', async () => {
    await fc.assert(
      fc.asyncProperty(renewalsArb, chargeHistoryArb(CLUB.price.amount), shuffleArb, async (renewals, firstFacts, shuffle) => {
        const app = testApp();
        const history = subscriptionHistory(renewals, firstFacts, { ...shuffle, actions: [], actionAt: [] });
        const before = await usdToday(app);
        await play(app, history.session.id, history.steps);
        const expected = implied(firstFacts, CLUB.price.amount);
        expect(await orderRow(history.session.id)).toMatchObject({ status: expected.status, amount_refunded: expected.refunded });
        await expectPeriodsAndTotals(app, history, expected, before);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('the seller’s revoke and restore, at any point after the checkout among shuffled renewals, leave the order as the seller last left it', async () => {
    await fc.assert(
      fc.asyncProperty(
        renewalsArb,
        shuffleArb,
        fc.constantFrom<('revoke' | 'restore')[]>(['revoke'], ['revoke', 'restore'], ['revoke', 'restore', 'revoke']),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        async (renewals, shuffle, actions, actionAt) => {
          const app = testApp();
          const history = subscriptionHistory(renewals, [], { ...shuffle, actions, actionAt });
          const before = await usdToday(app);
          await play(app, history.session.id, history.steps);
          const expected = { status: actions.at(-1) === 'revoke' ? ('revoked' as const) : ('restored' as const), refunded: 0 };
          expect(await orderRow(history.session.id)).toMatchObject({ status: expected.status, amount_refunded: 0 });
          await expectPeriodsAndTotals(app, history, expected, before);
        },
      ),
      { numRuns: 20 },
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
