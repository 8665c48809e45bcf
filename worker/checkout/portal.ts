// "Manage subscription": a Stripe customer-portal session for the buyer's own customer. The
// customer is found from the buyer's own subscription orders, never taken from the request,
// so a proven buyer can only ever open their own portal. Cancelling there reaches the shop
// through the subscription webhooks it already handles.
import type Stripe from 'stripe';
import type { PortalResponse } from '../../contract/api';
import type { Env } from '../platform/env';
import { Refusal } from '../platform/refusal';
import { subscriptionCustomerOf } from '../store/entitlements';
import { stripeClient, stripeErrorMessage } from '../stripe/client';

export async function createPortal(env: Env, clientReferenceId: string, returnUrl: string): Promise<PortalResponse> {
  if (!(await stripeClient(env))) throw new Refusal(503, 'the subscription portal is not configured on this shop (no STRIPE_SECRET_KEY)');
  const customer = await subscriptionCustomerOf(env.DB, clientReferenceId);
  if (!customer) throw new Refusal(404, 'this buyer has no subscription to manage');
  return portalOfCustomer(env, customer, returnUrl);
}

/** A portal session for a customer the caller already proved is the buyer's own (their orders, or their library). */
export async function portalOfCustomer(env: Env, customer: string, returnUrl: string): Promise<PortalResponse> {
  const stripe = await stripeClient(env);
  if (!stripe) throw new Refusal(503, 'the subscription portal is not configured on this shop (no STRIPE_SECRET_KEY)');
  try {
    const session = await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl } satisfies Stripe.BillingPortal.SessionCreateParams);
    return { url: session.url };
  } catch (error) {
    console.error(JSON.stringify({ msg: 'portal session not created', error: stripeErrorMessage(error) }));
    throw new Refusal(502, `Stripe: ${stripeErrorMessage(error)}`);
  }
}
