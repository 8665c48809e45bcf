// Charges and refunds. A refund of a paid Checkout Session succeeds at once (as with test
// cards) and records Stripe's `charge.refunded`, whose charge is `refunded` once the whole
// amount came back.
import { invalid } from '../errors';
import { newId } from '../ids';
import { applyMetadata, int, requiredStr } from '../params';
import { now, type Store } from '../store';
import type { RequestContext, StripeObject } from '../types';

export function createRefund(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const paymentIntentId = requiredStr(params, 'payment_intent');
  const paymentIntent = store.must('payment_intent', paymentIntentId);
  const already = store.refunded.get(paymentIntentId) ?? 0;
  const left = (paymentIntent.amount as number) - already;
  const amount = int(params, 'amount') ?? left;
  if (left <= 0) throw invalid(`Charge ${paymentIntent.latest_charge} has already been refunded.`, undefined, 'charge_already_refunded');
  if (amount <= 0 || amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount');
  store.refunded.set(paymentIntentId, already + amount);
  const created = now();
  const refund: StripeObject = {
    ...store.fixture('refund'),
    id: newId.refund(),
    amount,
    charge: paymentIntent.latest_charge,
    created,
    currency: paymentIntent.currency,
    metadata: applyMetadata({}, params),
    payment_intent: paymentIntentId,
    status: 'succeeded',
  };
  const charge: StripeObject = {
    ...store.fixture('charge'),
    id: paymentIntent.latest_charge,
    amount: paymentIntent.amount,
    amount_captured: paymentIntent.amount,
    amount_refunded: already + amount,
    created: paymentIntent.created,
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    livemode: false,
    paid: true,
    payment_intent: paymentIntentId,
    refunded: already + amount >= (paymentIntent.amount as number),
    status: 'succeeded',
  };
  store.recordEvent('charge.refunded', charge, ctx);
  return refund;
}
