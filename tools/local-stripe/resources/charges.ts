// Payments: a PaymentIntent and its Charge (what paying a session or an invoice makes), and
// what can happen to a charge afterwards: refunds (full or partial, at once, as with test
// cards) and disputes. Each records the events Stripe sends for it.
import { invalid, missingParam } from '../core/errors';
import { newId, randomAlnum } from '../core/ids';
import { applyMetadata, int, oneOf, str } from '../core/params';
import { clone, now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';

export interface PaymentInput {
  amount: number;
  currency: string;
  customer: string | null;
  metadata?: Record<string, string>;
  description?: string | null;
}

function newIntent(store: Store, input: PaymentInput, created: number): StripeObject {
  const id = newId.paymentIntent();
  return {
    ...store.fixture('payment_intent'),
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    canceled_at: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomAlnum(25)}`,
    created,
    currency: input.currency,
    customer: input.customer,
    description: input.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata ?? {},
    next_action: null,
    payment_method: newId.paymentMethod(),
    payment_method_configuration_details: null,
    processing: null,
    receipt_email: null,
    shipping: null,
    status: 'processing',
    transfer_data: null,
  };
}

/** The intent succeeds with a charge for its whole amount: `payment_intent.succeeded`, `charge.succeeded`. */
function succeed(store: Store, intent: StripeObject, ctx: RequestContext): StripeObject {
  const charge: StripeObject = {
    ...store.fixture('charge'),
    id: newId.charge(),
    object: 'charge',
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: 0,
    balance_transaction: null,
    captured: true,
    created: ctx.created ?? now(),
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    livemode: false,
    metadata: intent.metadata,
    paid: true,
    payment_intent: intent.id,
    payment_method: intent.payment_method,
    receipt_email: null,
    receipt_url: null,
    refunded: false,
    status: 'succeeded',
  };
  delete charge.refunds; // only when expanded, since API 2022-11-15
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  intent.latest_charge = charge.id;
  store.put('payment_intent', intent);
  store.put('charge', charge);
  store.recordEvent('payment_intent.succeeded', intent, ctx);
  store.recordEvent('charge.succeeded', charge, ctx);
  return intent;
}

/** A card payment: a PaymentIntent that succeeds at once, with its Charge. */
export function capturePayment(store: Store, input: PaymentInput, ctx: RequestContext): StripeObject {
  return succeed(store, newIntent(store, input, ctx.created ?? now()), ctx);
}

/** A card declined (a renewal's failed attempt): the PaymentIntent needs another method, `payment_intent.payment_failed`. */
export function failPayment(store: Store, input: PaymentInput, ctx: RequestContext): StripeObject {
  const intent = newIntent(store, input, ctx.created ?? now());
  intent.status = 'requires_payment_method';
  intent.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds (local test).' };
  store.put('payment_intent', intent);
  store.recordEvent('payment_intent.payment_failed', intent, ctx);
  return intent;
}

/** A bank debit as Checkout starts it: the PaymentIntent is `processing`, no charge yet. */
export function startDelayedPayment(store: Store, input: PaymentInput, ctx: RequestContext): StripeObject {
  const intent = { ...newIntent(store, input, ctx.created ?? now()), payment_method_types: ['us_bank_account'] };
  store.put('payment_intent', intent);
  store.recordEvent('payment_intent.processing', intent, ctx);
  return intent;
}

/** The bank's answer to a delayed payment: a charge and `payment_intent.succeeded`, or `payment_intent.payment_failed`. */
export function settlePayment(store: Store, intentId: string, succeeded: boolean, ctx: RequestContext): StripeObject {
  const intent = store.must('payment_intent', intentId);
  if (intent.status !== 'processing') throw invalid(`PaymentIntent ${intentId} is ${intent.status}, not processing.`);
  if (succeeded) return succeed(store, intent, ctx);
  intent.status = 'requires_payment_method';
  intent.last_payment_error = { type: 'card_error', code: 'payment_method_provider_decline', message: 'The bank declined the debit (local test).' };
  store.recordEvent('payment_intent.payment_failed', intent, ctx);
  return intent;
}

/** POST /v1/refunds: of a `payment_intent` or a `charge`, the rest of it unless `amount` says less. */
export function createRefund(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const paymentIntentId = str(params, 'payment_intent');
  const chargeId = str(params, 'charge');
  if (paymentIntentId && chargeId) throw invalid('You may only specify one of these parameters: charge, payment_intent.', 'charge');
  if (!paymentIntentId && !chargeId) throw missingParam('payment_intent');
  const charge = chargeId
    ? store.must('charge', chargeId, 'charge', 400)
    : store.must('charge', store.must('payment_intent', paymentIntentId!, 'payment_intent', 400).latest_charge, 'payment_intent', 400);
  const left = (charge.amount as number) - (charge.amount_refunded as number);
  if (left <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
  const amount = int(params, 'amount') ?? left;
  if (amount <= 0 || amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount');
  const reason = oneOf(str(params, 'reason'), ['duplicate', 'fraudulent', 'requested_by_customer'] as const, 'reason') ?? null;
  const refund: StripeObject = {
    ...store.fixture('refund'),
    id: newId.refund(),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: ctx.created ?? now(),
    currency: charge.currency,
    metadata: applyMetadata({}, params),
    payment_intent: charge.payment_intent,
    reason,
    status: 'succeeded',
  };
  const before = clone(charge);
  charge.amount_refunded = (charge.amount_refunded as number) + amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  store.put('refund', refund);
  store.recordEvent('charge.refunded', charge, ctx, { amount_refunded: before.amount_refunded, refunded: before.refunded });
  store.recordEvent('refund.created', refund, ctx);
  return refund;
}

/** What a buyer's bank does (the dashboard's "Dispute"): `charge.dispute.created`. */
export function openDispute(store: Store, chargeId: string, reason: string, ctx: RequestContext): StripeObject {
  const charge = store.must('charge', chargeId, 'charge', 400);
  if (charge.disputed) throw invalid(`Charge ${chargeId} is already disputed.`);
  const created = ctx.created ?? now();
  const dispute: StripeObject = {
    ...store.fixture('dispute'),
    id: newId.dispute(),
    object: 'dispute',
    amount: (charge.amount as number) - (charge.amount_refunded as number),
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason,
    status: 'needs_response',
  };
  charge.disputed = true;
  store.put('dispute', dispute);
  store.recordEvent('charge.dispute.created', dispute, ctx);
  return dispute;
}


/**
 * A dispute's outcome (the dashboard's "Win dispute" / "Lose dispute"): the charge's open dispute
 * becomes `won` or `lost`, and `charge.dispute.closed` carries it, as Stripe sends it.
 */
export function closeDispute(store: Store, chargeId: string, outcome: 'won' | 'lost', ctx: RequestContext): StripeObject {
  store.must('charge', chargeId, 'charge', 400);
  const dispute = store.all('dispute').find((d) => d.charge === chargeId && d.status !== 'won' && d.status !== 'lost');
  if (!dispute) throw invalid(`Charge ${chargeId} has no open dispute.`);
  dispute.status = outcome;
  store.put('dispute', dispute);
  store.recordEvent('charge.dispute.closed', dispute, ctx);
  return dispute;
}
