// What each order event does, as effects for one D1 batch: a Checkout Session's news
// (completed, paid later, failed, expired), a full refund, a dispute; and the seller's
// approval of an order held for review. Nothing here reads the stored order: every
// transition is guarded in SQL (worker/store/orders.ts), a refund or dispute that came
// first is applied by the same statement, and the side effects (delivery, revocation)
// are outbox rows that exist at most once per order.
import type Stripe from 'stripe';
import { findProduct, type Product } from '../../catalog';
import { missingFileWarnings } from '../delivery/files';
import { licenceWrites } from '../delivery/licences';
import { contentsOfStored } from '../delivery/order-products';
import type { Context } from '../platform/context';
import type { FulfilmentRequest, SellerHooks } from '../seller-hooks';
import type { Effects } from '../store/commit';
import { saveBuyerDetails } from '../store/buyer-details';
import { noteWhenMoveRefused, noteWhenNoOrderForSubscription, noteWhenNoOrderPaidBy, noteWhenRenewalPaidBy } from '../store/ledger';
import { approveReviewedOrder, linkFirstPaymentIntent, moveByPaymentIntent, saveLineItems, saveOrderTransition, saveRevocation, type LineItem, type Order, type PaymentNews } from '../store/orders';
import { outboxDeliveredIfFulfilled, outboxEmailIf, outboxRenewalIfPaid, outboxRevokedIfRevoked } from '../store/outbox';
import { FIRST_PERIOD_REASON, movePeriodByPaymentIntent, savePeriod } from '../store/subscription-periods';
import { SERVES_ACCESS } from '../../contract/order-states';
import { idOf } from '../stripe/expandable';
import { buyerDetailsOf } from './buyer-details';
import { contentsOf, lineItemsOf } from './line-items';
import { orderFromSession, productOf } from './order';
import { INVOICE_NEWS, invoicePaymentIntent, paymentIntentIn, periodOf, type InvoiceNews } from './invoice-period';
import { paymentIntentOf } from './payment-intent';
import { reviewReason } from './review';

type OrderContext = Context & Pick<SellerHooks, 'fulfil'>;

// ─── the events ─────────────────────────────────────────────────────────────

/** A Checkout Session's news: what it means for the order is `sessionEffects`'. */
export function sessionEvent(event: Extract<Stripe.Event, { type: SessionNews }>, context: OrderContext): Promise<Effects> {
  return sessionEffects(event.data.object, context, event.type);
}

/**
 * A full refund revokes the order; a partial one keeps the buyer's access and records what
 * came back (Stripe's `amount_refunded` is cumulative, so redeliveries and reordering are harmless).
 */
export function chargeRefunded(event: Stripe.ChargeRefundedEvent, context: Context): Effects {
  const charge = event.data.object;
  const paymentIntent = idOf(charge.payment_intent);
  if (!paymentIntent || (!charge.refunded && charge.amount_refunded <= 0)) return { writes: [] };
  if (charge.refunded) return paymentNews(paymentIntent, 'refunded', Math.max(charge.amount_refunded, charge.amount), event.id, context);
  return paymentNews(paymentIntent, 'partially_refunded', charge.amount_refunded, event.id, context);
}

/** A dispute revokes the order at once: the money is held from the seller. */
export function disputeCreated(event: Stripe.ChargeDisputeCreatedEvent, context: Context): Effects {
  const paymentIntent = idOf(event.data.object.payment_intent);
  return paymentIntent ? paymentNews(paymentIntent, 'disputed', 0, event.id, context) : { writes: [] };
}

/** A dispute's outcome: won restores the buyer's access (the money came back to the seller); lost keeps it revoked. */
export function disputeClosed(event: Stripe.ChargeDisputeClosedEvent, context: Context): Effects {
  const dispute = event.data.object;
  const paymentIntent = idOf(dispute.payment_intent);
  const outcome = dispute.status === 'won' ? 'dispute_won' : dispute.status === 'lost' ? 'dispute_lost' : null;
  // warning_closed (an inquiry that never became a chargeback) moves no money: nothing to record.
  if (!paymentIntent || !outcome) return { writes: [], note: `dispute ${dispute.id} closed as ${dispute.status}: the order is left as it is` };
  return paymentNews(paymentIntent, outcome, 0, event.id, context);
}

/**
 * A charge as Stripe has it now (a resync, a reconciliation): refunded (fully or in part) or
 * disputed, it moves its order as the webhook's event would. `source` names where it was read, for the
 * revocation's record.
 */
export function chargeEffects(charge: Stripe.Charge, source: string, context: Context): Effects {
  const paymentIntent = idOf(charge.payment_intent);
  if (!paymentIntent) return { writes: [] };
  if (charge.refunded) return paymentNews(paymentIntent, 'refunded', Math.max(charge.amount_refunded, charge.amount), source, context);
  if (charge.disputed) return paymentNews(paymentIntent, 'disputed', 0, source, context);
  if (charge.amount_refunded > 0) return paymentNews(paymentIntent, 'partially_refunded', charge.amount_refunded, source, context);
  return { writes: [] };
}

// ─── a subscription's later periods ─────────────────────────────────────────

/**
 * An invoice of a subscription: a billing period of the order that started it, recorded once per
 * invoice (paid is final). A paid renewal is delivered and emailed once, from the outbox; the first
 * invoice (`subscription_create`) is the order's own period, delivered with the order.
 */
export async function invoiceEvent(event: Extract<Stripe.Event, { type: InvoiceNews }>, context: Context): Promise<Effects> {
  const invoice = event.data.object;
  const paid = INVOICE_NEWS[event.type] === 'paid';
  const period = periodOf(invoice, event.type, paid ? await invoicePaymentIntent(invoice, context) : paymentIntentIn(invoice));
  if (!period) return { writes: [], note: `invoice ${invoice.id} bills no subscription: nothing to record` };
  const { db } = context;
  const now = context.now();
  return {
    writes: [
      savePeriod(db, period, now),
      noteWhenNoOrderForSubscription(db, event.id, period.subscription, `no order for ${period.subscription} yet: invoice ${period.invoiceId} is kept and belongs to it when it arrives`),
      ...(period.billingReason === FIRST_PERIOD_REASON && period.paymentIntent ? [linkFirstPaymentIntent(db, period.subscription, period.paymentIntent, now)] : []),
    ],
    outbox: paid ? outboxRenewalIfPaid(db, period.invoiceId, now) : [],
    ...(paid ? {} : { note: `invoice ${period.invoiceId} of ${period.subscription}: payment ${period.status === 'failed' ? 'failed (Stripe retries it; the subscription is past due)' : 'needs the buyer to act'}` }),
  };
}

/** A subscription that ended (`customer.subscription.deleted`): its order's buyer is told once that access ended. */
export function subscriptionEnded(event: Stripe.CustomerSubscriptionDeletedEvent, { db, now }: Context): Effects {
  const subscription = event.data.object.id;
  if (typeof subscription !== 'string') return { writes: [] };
  return { writes: [], outbox: [outboxEmailIf(db, 'access_ended', { subscription }, SERVES_ACCESS, now())] };
}

// ─── what a session means ───────────────────────────────────────────────────

/** What Stripe said of a session: a webhook's event type (the session's own fields cannot tell a delayed payment that failed). */
export type SessionNews =
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
  | 'checkout.session.expired';

export type SessionOutcome = 'fulfil' | 'pending' | 'payment_failed' | 'expired';

/**
 * What a session means for its order, from what Stripe said of it (`news`), or from the session
 * alone when the shop read it itself (the success page's landing): null while it is still open.
 */
export function sessionOutcome(session: Pick<Stripe.Checkout.Session, 'status' | 'payment_status'>, news?: SessionNews): SessionOutcome | null {
  if (news === 'checkout.session.async_payment_failed') return 'payment_failed';
  if (news === 'checkout.session.expired' || session.status === 'expired') return 'expired';
  if (news === 'checkout.session.async_payment_succeeded') return 'fulfil';
  if (news === undefined && session.status !== 'complete') return null;
  // `unpaid` on a completed session is a delayed method (bank debit, voucher): async_payment_* follows.
  return session.payment_status === 'unpaid' ? 'pending' : 'fulfil';
}

/**
 * The effects of a session on its order — the one decision the webhook and the success page's
 * landing share. The order always learns the PaymentIntent that paid it, a subscription's
 * through its first invoice, so that a refund or dispute of that payment finds it.
 */
export async function sessionEffects(session: Stripe.Checkout.Session, context: OrderContext, news: SessionNews): Promise<Effects>;
export async function sessionEffects(session: Stripe.Checkout.Session, context: OrderContext): Promise<Effects | null>;
export async function sessionEffects(session: Stripe.Checkout.Session, context: OrderContext, news?: SessionNews): Promise<Effects | null> {
  // The one field a signed payload could still lack before it is used as a key.
  if (typeof session.id !== 'string') throw new Error('checkout session in the event has no id');
  const outcome = sessionOutcome(session, news);
  if (outcome === null) return null;
  const paid = { ...session, payment_intent: await paymentIntentOf(session, context) };
  return outcome === 'fulfil' ? fulfilOrder(paid, context) : recordOrder(paid, outcome, context);
}

// ─── fulfilment ─────────────────────────────────────────────────────────────

/** Records the session's order in `status`, if the order may move there. */
function recordOrder(session: Stripe.Checkout.Session, status: 'pending' | 'payment_failed' | 'expired', { db, now }: Context): Effects {
  const order = orderFromSession(session, status, now());
  return {
    writes: [saveOrderTransition(db, order), ...buyerDetailsWrites(db, session, order.updatedAt)],
    outbox: [outboxRevokedIfRevoked(db, { orderId: order.id }, order.updatedAt), ...paymentNoteEmail(db, order.id, status, order.updatedAt)],
  };
}

/** A delayed payment's news for the buyer: on its way, or failed; sent only if the batch left the order so. */
function paymentNoteEmail(db: D1Database, orderId: string, status: 'pending' | 'payment_failed' | 'expired', now: number): D1PreparedStatement[] {
  if (status === 'expired') return [];
  return [outboxEmailIf(db, status === 'pending' ? 'payment_pending' : 'payment_failed', { orderId }, [status], now)];
}

/**
 * Fulfils a paid session: checks it bought what the shop sells (else `review`), then
 * `fulfilment` below. A redelivery, or a second path to the same session, changes
 * nothing: the order is no longer pending and its delivery row already exists.
 */
async function fulfilOrder(session: Stripe.Checkout.Session, context: OrderContext): Promise<Effects> {
  const { db } = context;
  const now = context.now();
  const lineItems = await lineItemsOf(session, context);
  const contents = await contentsOf(session, lineItems, db);
  const details = buyerDetailsWrites(db, session, now);
  const reason = reviewReason({ currency: session.currency, amountSubtotal: session.amount_subtotal, lines: contents.priced, knownPrices: contents.knownPrices });
  if (reason) {
    console.warn(JSON.stringify({ msg: 'order held for review', order: session.id, reason }));
    const order = orderFromSession(session, 'review', now);
    return {
      writes: [saveOrderTransition(db, order), ...saveLineItems(db, order.id, lineItems), ...details],
      outbox: [outboxRevokedIfRevoked(db, { orderId: order.id }, now)],
      note: `order ${session.id} held for review: ${reason}`,
    };
  }
  const order = orderFromSession(session, statusWhenPaid(contents.products), now);
  const effects = await fulfilment(
    order,
    { product: productOf(session), products: contents.products, lineItems },
    contents.units,
    (deliveryToken) => [saveOrderTransition(db, { ...order, deliveryToken, fulfilledAt: now }), ...saveLineItems(db, order.id, lineItems), ...details],
    context,
  );
  return { ...effects, outbox: [...(effects.outbox ?? []), outboxRevokedIfRevoked(db, { orderId: order.id }, now)] };
}

/**
 * The seller's approval of an order held for review: fulfilled as a paid session is, from
 * what was recorded of it, only if it is still in review when the batch commits.
 */
export async function approvedEffects(order: Order, lineItems: LineItem[], context: OrderContext): Promise<Effects & { status: 'fulfilled' | 'awaiting_shipment' }> {
  const { db } = context;
  const { products, units } = await contentsOfStored(order, lineItems, db);
  const product = order.productId ? findProduct(order.productId) : undefined;
  const now = context.now();
  const status = statusWhenPaid(products);
  const effects = await fulfilment({ ...order, status }, { product, products, lineItems }, units, (deliveryToken) => [approveReviewedOrder(db, order.id, status, deliveryToken, now)], context);
  return { ...effects, status };
}

/**
 * Where a paid order goes: with any physical line it waits for the seller's "mark shipped"
 * (its digital lines are served at once: awaiting_shipment serves access); else it is fulfilled.
 */
export function statusWhenPaid(products: readonly Pick<Product, 'digital'>[]): 'fulfilled' | 'awaiting_shipment' {
  return products.some((product) => !product.digital) ? 'awaiting_shipment' : 'fulfilled';
}

/**
 * What fulfilling an order writes: the seller's pure `fulfil` hook decides what to record,
 * `transition` moves the order (guarded in SQL), and after it the licence keys and the
 * delivery, each applying only if the batch left the order fulfilled (or awaiting shipment).
 */
async function fulfilment(
  order: Order,
  bought: Pick<FulfilmentRequest, 'product' | 'products' | 'lineItems'>,
  units: ReadonlyMap<string, number>,
  transition: (deliveryToken: string | null) => D1PreparedStatement[],
  context: OrderContext,
): Promise<Effects> {
  const { db } = context;
  const now = context.now();
  const { deliveryToken } = await context.fulfil({ order, ...bought, env: context.env });
  const warnings = await deliveryWarnings(bought.products, context);
  if (warnings.length > 0) console.warn(JSON.stringify({ msg: 'fulfilled order has nothing to download', order: order.id, warnings }));
  return {
    writes: [...transition(deliveryToken), ...licenceWrites(db, order.id, bought.products, units, now)],
    outbox: [outboxDeliveredIfFulfilled(db, order.id, now), outboxEmailIf(db, 'receipt', { orderId: order.id }, [order.status], now)],
    ...(warnings.length > 0 ? { note: `order ${order.id} fulfilled with a warning: ${warnings.join('; ')}` } : {}),
  };
}

/** The shipping address and phone the buyer gave, when the session carries any (seller-only). */
function buyerDetailsWrites(db: D1Database, session: Stripe.Checkout.Session, now: number): D1PreparedStatement[] {
  const details = buyerDetailsOf(session);
  return details ? [saveBuyerDetails(db, session.id, details, now)] : [];
}

/**
 * A digital product with no file to deliver still fulfils (the buyer paid; the seller can
 * send the file by hand), but the seller must hear of it: in the ledger's note and the log.
 */
async function deliveryWarnings(products: Product[], { env }: Context): Promise<string[]> {
  const bucket = env.FILES;
  const keys = products.filter((product) => product.digital).flatMap((product) => (product.files ?? []).map((file) => file.key));
  // Without a bucket bound (some tests, a shop not delivering files yet) only the catalog is checked.
  const heads = bucket ? await Promise.all(keys.map((key) => bucket.head(key))) : keys.map(() => true);
  const present = new Set(keys.filter((_, index) => heads[index]));
  return missingFileWarnings(products, (key) => present.has(key));
}

// ─── what Stripe signed about a payment ─────────────────────────────────────

/**
 * A refund or a dispute's news for the payment `paymentIntent`: moves its order to `status`
 * where the state table allows, raises its amount refunded, and queues the revoke hook when
 * the move revoked access. With no order yet, the news is kept and applied when the order is
 * recorded.
 */
function paymentNews(paymentIntent: string, status: PaymentNews, amountRefunded: number, eventId: string, { db, now }: Context): Effects {
  const at = now();
  const what = status.replace('_', ' ');
  return {
    writes: [
      saveRevocation(db, paymentIntent, status, amountRefunded, eventId, at),
      moveByPaymentIntent(db, paymentIntent, status, amountRefunded, at),
      noteWhenNoOrderPaidBy(db, eventId, paymentIntent, `no order for ${paymentIntent} yet: the ${what} is kept and applied when it arrives`),
      noteWhenMoveRefused(db, eventId, paymentIntent, status),
      // A renewal's charge: recorded against its period; the subscription order itself is not moved.
      movePeriodByPaymentIntent(db, paymentIntent, status, amountRefunded, at),
      noteWhenRenewalPaidBy(db, eventId, paymentIntent, status.startsWith('dispute_') ? `disputed (${status.slice('dispute_'.length)})` : what),
    ],
    outbox: [outboxRevokedIfRevoked(db, { paymentIntent }, at), outboxEmailIf(db, 'access_ended', { paymentIntent }, ['refunded', 'disputed'], at)],
  };
}
