// Every /v1 endpoint the local Stripe answers, and the resource function that answers it.
import { retrieveCustomer, createCustomer, deleteCustomer, listCustomers, updateCustomer } from '../resources/customers';
import { createPortalSession } from '../resources/billing-portal';
import { createRefund } from '../resources/charges';
import { createCheckoutSession, expireSession, listSessions } from '../resources/checkout-sessions';
import { listEvents } from '../resources/events';
import { createCoupon, createPromotionCode, listPromotionCodes } from '../resources/promotion-codes';
import { listLineItems } from '../resources/line-items';
import { createPaymentLink, listPaymentLinks, updatePaymentLink } from '../resources/payment-links';
import { createPrice, listPrices, updatePrice } from '../resources/prices';
import { createProduct, deleteProduct, listProducts, updateProduct } from '../resources/products';
import { cancelSubscription, createSubscription, listSubscriptions, updateSubscription } from '../resources/subscriptions';
import type { Store } from '../store';
import type { RequestContext, StripeObject } from '../types';

export interface Route {
  method: string;
  pattern: RegExp;
  handler: (store: Store, ctx: RequestContext, params: StripeObject, match: string[]) => unknown;
}

export const ROUTES: Route[] = [
  // products
  { method: 'POST', pattern: /^\/v1\/products$/, handler: (s, ctx, p) => createProduct(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/products$/, handler: (s, _ctx, p) => listProducts(s, p) },
  { method: 'GET', pattern: /^\/v1\/products\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('product', id!) },
  { method: 'POST', pattern: /^\/v1\/products\/([^/]+)$/, handler: (s, ctx, p, [id]) => updateProduct(s, id!, p, ctx) },
  { method: 'DELETE', pattern: /^\/v1\/products\/([^/]+)$/, handler: (s, ctx, _p, [id]) => deleteProduct(s, id!, ctx) },
  // prices
  { method: 'POST', pattern: /^\/v1\/prices$/, handler: (s, ctx, p) => createPrice(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/prices$/, handler: (s, _ctx, p) => listPrices(s, p) },
  { method: 'GET', pattern: /^\/v1\/prices\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('price', id!) },
  { method: 'POST', pattern: /^\/v1\/prices\/([^/]+)$/, handler: (s, ctx, p, [id]) => updatePrice(s, id!, p, ctx) },
  // customers
  { method: 'POST', pattern: /^\/v1\/customers$/, handler: (s, ctx, p) => createCustomer(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/customers$/, handler: (s, _ctx, p) => listCustomers(s, p) },
  { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => retrieveCustomer(s, id!) },
  { method: 'POST', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (s, ctx, p, [id]) => updateCustomer(s, id!, p, ctx) },
  { method: 'DELETE', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (s, ctx, _p, [id]) => deleteCustomer(s, id!, ctx) },
  // subscriptions
  { method: 'POST', pattern: /^\/v1\/subscriptions$/, handler: (s, ctx, p) => createSubscription(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/subscriptions$/, handler: (s, _ctx, p) => listSubscriptions(s, p) },
  { method: 'GET', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('subscription', id!) },
  { method: 'POST', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (s, ctx, p, [id]) => updateSubscription(s, id!, p, ctx) },
  { method: 'DELETE', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (s, ctx, p, [id]) => cancelSubscription(s, id!, p, ctx) },
  // checkout sessions
  { method: 'POST', pattern: /^\/v1\/checkout\/sessions$/, handler: (s, ctx, p) => createCheckoutSession(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/checkout\/sessions$/, handler: (s, _ctx, p) => listSessions(s, p) },
  { method: 'GET', pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('checkout.session', id!) },
  { method: 'GET', pattern: /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/, handler: (s, _ctx, p, [id]) => listLineItems(s, id!, 'checkout.session', p) },
  { method: 'POST', pattern: /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, handler: (s, ctx, _p, [id]) => expireSession(s, id!, ctx) },
  // customer portal
  { method: 'POST', pattern: /^\/v1\/billing_portal\/sessions$/, handler: (s, ctx, p) => createPortalSession(s, p, ctx) },
  // payment links
  { method: 'POST', pattern: /^\/v1\/payment_links$/, handler: (s, ctx, p) => createPaymentLink(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/payment_links$/, handler: (s, _ctx, p) => listPaymentLinks(s, p) },
  { method: 'GET', pattern: /^\/v1\/payment_links\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('payment_link', id!) },
  { method: 'POST', pattern: /^\/v1\/payment_links\/([^/]+)$/, handler: (s, ctx, p, [id]) => updatePaymentLink(s, id!, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/payment_links\/([^/]+)\/line_items$/, handler: (s, _ctx, p, [id]) => listLineItems(s, id!, 'payment_link', p) },
  // payment intents (read-only: created by the hosted checkout's Pay)
  { method: 'GET', pattern: /^\/v1\/payment_intents\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('payment_intent', id!) },
  // refunds (of a payment intent the hosted checkout's Pay created)
  { method: 'POST', pattern: /^\/v1\/refunds$/, handler: (s, ctx, p) => createRefund(s, p, ctx) },
  // events
  { method: 'POST', pattern: /^\/v1\/coupons$/, handler: (s, ctx, p) => createCoupon(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/coupons\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('coupon', id!) },
  { method: 'POST', pattern: /^\/v1\/promotion_codes$/, handler: (s, ctx, p) => createPromotionCode(s, p, ctx) },
  { method: 'GET', pattern: /^\/v1\/promotion_codes$/, handler: (s, _ctx, p) => listPromotionCodes(s, p) },
  { method: 'GET', pattern: /^\/v1\/promotion_codes\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('promotion_code', id!) },

  { method: 'GET', pattern: /^\/v1\/events$/, handler: (s, _ctx, p) => listEvents(s, p) },
  { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handler: (s, _ctx, _p, [id]) => s.must('event', id!) },
];

export function matchRoute(method: string, path: string): { route: Route; match: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, match: match.slice(1).map((s) => decodeURIComponent(s)) };
  }
  return undefined;
}
