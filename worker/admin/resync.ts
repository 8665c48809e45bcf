// "Resync from Stripe": one mirrored object, or one order with everything it hangs on (its
// Checkout Session, PaymentIntent, charges and subscription), refetched and applied through
// the same decisions and ordering guards as a webhook's event, and logged as the seller's action.
import type Stripe from 'stripe';
import type { ResyncRequest, ResyncResponse } from '../../contract/api';
import { resyncObject } from '../mirror/sync';
import { chargeEffects, sessionEffects } from '../orders/order-events';
import { paymentIntentOf } from '../orders/payment-intent';
import type { Context } from '../platform/context';
import { Refusal } from '../platform/refusal';
import type { SellerHooks } from '../seller-hooks';
import { logAction } from '../store/admin-actions';
import { commit } from '../store/commit';
import { idOf } from '../stripe/expandable';

export async function resync(stripe: Stripe, target: ResyncRequest, actor: string, context: Context & SellerHooks): Promise<ResyncResponse> {
  const result: ResyncResponse = { resource: target.resource, id: target.id, applied: [], differed: {} };
  if (target.resource === 'orders') await resyncOrder(stripe, target.id, result, context);
  else await resyncMirrored(stripe, target.resource, target.id, result, context);
  await logAction(context.db, { at: context.now(), actor, action: 'object_resynced', subject: target.id, detail: JSON.stringify({ applied: result.applied, differed: result.differed }) }).run();
  return result;
}

async function resyncMirrored(stripe: Stripe, resource: Exclude<ResyncRequest['resource'], 'orders'>, id: string, result: ResyncResponse, context: Context): Promise<void> {
  const fields = await resyncObject(stripe, resource, id, context);
  result.applied.push(`${resource}/${id}`);
  if (fields.length > 0) result.differed[`${resource}/${id}`] = fields;
}

async function resyncOrder(stripe: Stripe, sessionId: string, result: ResyncResponse, context: Context & SellerHooks): Promise<void> {
  if (!/^cs_(test|live)_/.test(sessionId)) throw new Refusal(400, 'an order is resynced by its Checkout Session id (cs_test_… or cs_live_…)');
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  // The session alone, as the success page's landing reads it: null while it is still open.
  const effects = await sessionEffects(session, context);
  if (effects) await commit(context, effects);
  result.applied.push(`orders/${sessionId}`);
  const paymentIntent = await paymentIntentOf(session, context);
  if (paymentIntent) {
    // The charge that took the money is the PaymentIntent's latest: the one refunded or disputed.
    const intent = await stripe.paymentIntents.retrieve(paymentIntent);
    result.applied.push(`payment_intents/${paymentIntent}`);
    const chargeId = idOf(intent.latest_charge);
    if (chargeId) {
      const charge = await stripe.charges.retrieve(chargeId);
      const revocation = chargeEffects(charge, `resync:${charge.id}`, context);
      if (revocation.writes.length > 0) await commit(context, revocation);
      result.applied.push(`charges/${charge.id}`);
    }
  }
  const subscription = idOf(session.subscription);
  if (subscription) await resyncMirrored(stripe, 'subscriptions', subscription, result, context);
  const customer = idOf(session.customer);
  if (customer) await resyncMirrored(stripe, 'customers', customer, result, context);
}
