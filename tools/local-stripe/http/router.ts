// Every /v1 endpoint the local Stripe answers, and the resource function that answers it.
// Paths are written as in Stripe's OpenAPI spec, which names each one's parameters (./parameters.ts).
import { retrieveCustomer, createCustomer, deleteCustomer, listCustomers, updateCustomer } from '../resources/customers';
import { createPortalSession } from '../resources/billing-portal';
import { createRefund } from '../resources/charges';
import { createCheckoutSession, expireSession, listSessions } from '../resources/checkout-sessions';
import { listEvents } from '../resources/events';
import { createCoupon, createPromotionCode, listPromotionCodes } from '../resources/promotion-codes';
import { listLineItems } from '../resources/line-items';
import { createPaymentLink, listPaymentLinks, updatePaymentLink } from '../resources/payment-links';
import { createPrice, listPrices, updatePrice } from '../resources/prices';
import { createShippingRate, listShippingRates, updateShippingRate } from '../resources/shipping-rates';
import { createProduct, deleteProduct, listProducts, updateProduct } from '../resources/products';
import { cancelSubscription, createSubscription, listSubscriptions, updateSubscription } from '../resources/subscriptions';
import { createWebhookEndpoint, deleteWebhookEndpoint, listWebhookEndpoints, updateWebhookEndpoint } from '../resources/webhook-endpoints';
import type { Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';

export interface Route {
  method: string;
  /** As Stripe's API reference and OpenAPI spec write it: `/v1/products/{id}`. */
  path: string;
  handler: (store: Store, ctx: RequestContext, params: StripeObject, match: string[]) => unknown;
}

export const ROUTES: Route[] = [
  // products
  { method: 'POST', path: '/v1/products', handler: (s, ctx, p) => createProduct(s, p, ctx) },
  { method: 'GET', path: '/v1/products', handler: (s, _ctx, p) => listProducts(s, p) },
  { method: 'GET', path: '/v1/products/{id}', handler: (s, _ctx, _p, [id]) => s.must('product', id!) },
  { method: 'POST', path: '/v1/products/{id}', handler: (s, ctx, p, [id]) => updateProduct(s, id!, p, ctx) },
  { method: 'DELETE', path: '/v1/products/{id}', handler: (s, ctx, _p, [id]) => deleteProduct(s, id!, ctx) },
  // prices
  { method: 'POST', path: '/v1/prices', handler: (s, ctx, p) => createPrice(s, p, ctx) },
  { method: 'GET', path: '/v1/prices', handler: (s, _ctx, p) => listPrices(s, p) },
  { method: 'GET', path: '/v1/prices/{price}', handler: (s, _ctx, _p, [id]) => s.must('price', id!) },
  { method: 'POST', path: '/v1/prices/{price}', handler: (s, ctx, p, [id]) => updatePrice(s, id!, p, ctx) },
  // customers
  { method: 'POST', path: '/v1/customers', handler: (s, ctx, p) => createCustomer(s, p, ctx) },
  { method: 'GET', path: '/v1/customers', handler: (s, _ctx, p) => listCustomers(s, p) },
  { method: 'GET', path: '/v1/customers/{customer}', handler: (s, _ctx, _p, [id]) => retrieveCustomer(s, id!) },
  { method: 'POST', path: '/v1/customers/{customer}', handler: (s, ctx, p, [id]) => updateCustomer(s, id!, p, ctx) },
  { method: 'DELETE', path: '/v1/customers/{customer}', handler: (s, ctx, _p, [id]) => deleteCustomer(s, id!, ctx) },
  // subscriptions
  { method: 'POST', path: '/v1/subscriptions', handler: (s, ctx, p) => createSubscription(s, p, ctx) },
  { method: 'GET', path: '/v1/subscriptions', handler: (s, _ctx, p) => listSubscriptions(s, p) },
  { method: 'GET', path: '/v1/subscriptions/{subscription_exposed_id}', handler: (s, _ctx, _p, [id]) => s.must('subscription', id!) },
  { method: 'POST', path: '/v1/subscriptions/{subscription_exposed_id}', handler: (s, ctx, p, [id]) => updateSubscription(s, id!, p, ctx) },
  { method: 'DELETE', path: '/v1/subscriptions/{subscription_exposed_id}', handler: (s, ctx, p, [id]) => cancelSubscription(s, id!, p, ctx) },
  // checkout sessions
  { method: 'POST', path: '/v1/checkout/sessions', handler: (s, ctx, p) => createCheckoutSession(s, p, ctx) },
  { method: 'GET', path: '/v1/checkout/sessions', handler: (s, _ctx, p) => listSessions(s, p) },
  { method: 'GET', path: '/v1/checkout/sessions/{session}', handler: (s, _ctx, _p, [id]) => s.must('checkout.session', id!) },
  { method: 'GET', path: '/v1/checkout/sessions/{session}/line_items', handler: (s, _ctx, p, [id]) => listLineItems(s, id!, 'checkout.session', p) },
  { method: 'POST', path: '/v1/checkout/sessions/{session}/expire', handler: (s, ctx, _p, [id]) => expireSession(s, id!, ctx) },
  // customer portal
  { method: 'POST', path: '/v1/billing_portal/sessions', handler: (s, ctx, p) => createPortalSession(s, p, ctx) },
  // payment links
  { method: 'POST', path: '/v1/payment_links', handler: (s, ctx, p) => createPaymentLink(s, p, ctx) },
  { method: 'GET', path: '/v1/payment_links', handler: (s, _ctx, p) => listPaymentLinks(s, p) },
  { method: 'GET', path: '/v1/payment_links/{payment_link}', handler: (s, _ctx, _p, [id]) => s.must('payment_link', id!) },
  { method: 'POST', path: '/v1/payment_links/{payment_link}', handler: (s, ctx, p, [id]) => updatePaymentLink(s, id!, p, ctx) },
  { method: 'GET', path: '/v1/payment_links/{payment_link}/line_items', handler: (s, _ctx, p, [id]) => listLineItems(s, id!, 'payment_link', p) },
  // payment intents (read-only: created by the hosted checkout's Pay)
  { method: 'GET', path: '/v1/payment_intents/{intent}', handler: (s, _ctx, _p, [id]) => s.must('payment_intent', id!) },
  // charges and invoices (read-only: made by paying on the hosted checkout)
  { method: 'GET', path: '/v1/charges/{charge}', handler: (s, _ctx, _p, [id]) => s.must('charge', id!) },
  { method: 'GET', path: '/v1/invoices/{invoice}', handler: (s, _ctx, _p, [id]) => s.must('invoice', id!) },
  // refunds (of a payment the hosted checkout took)
  { method: 'POST', path: '/v1/refunds', handler: (s, ctx, p) => createRefund(s, p, ctx) },
  // events
  { method: 'GET', path: '/v1/events', handler: (s, _ctx, p) => listEvents(s, p) },
  { method: 'GET', path: '/v1/events/{id}', handler: (s, _ctx, _p, [id]) => s.must('event', id!) },
  // coupons and promotion codes
  { method: 'POST', path: '/v1/coupons', handler: (s, ctx, p) => createCoupon(s, p, ctx) },
  { method: 'GET', path: '/v1/coupons/{coupon}', handler: (s, _ctx, _p, [id]) => s.must('coupon', id!) },
  { method: 'POST', path: '/v1/promotion_codes', handler: (s, ctx, p) => createPromotionCode(s, p, ctx) },
  { method: 'GET', path: '/v1/promotion_codes', handler: (s, _ctx, p) => listPromotionCodes(s, p) },
  { method: 'GET', path: '/v1/promotion_codes/{promotion_code}', handler: (s, _ctx, _p, [id]) => s.must('promotion_code', id!) },
  // shipping rates (stripe:seed makes the catalog's, for its Payment Links)
  { method: 'POST', path: '/v1/shipping_rates', handler: (s, ctx, p) => createShippingRate(s, p, ctx) },
  { method: 'GET', path: '/v1/shipping_rates', handler: (s, _ctx, p) => listShippingRates(s, p) },
  { method: 'GET', path: '/v1/shipping_rates/{shipping_rate_token}', handler: (s, _ctx, _p, [id]) => s.must('shipping_rate', id!, 'shipping_rate_token') },
  { method: 'POST', path: '/v1/shipping_rates/{shipping_rate_token}', handler: (s, _ctx, p, [id]) => updateShippingRate(s, id!, p) },
  // webhook endpoints (npm run launch and npm start make the shop's)
  { method: 'POST', path: '/v1/webhook_endpoints', handler: (s, ctx, p) => createWebhookEndpoint(s, p, ctx) },
  { method: 'GET', path: '/v1/webhook_endpoints', handler: (s, _ctx, p) => listWebhookEndpoints(s, p) },
  { method: 'GET', path: '/v1/webhook_endpoints/{webhook_endpoint}', handler: (s, _ctx, _p, [id]) => s.must('webhook_endpoint', id!, 'webhook_endpoint') },
  { method: 'POST', path: '/v1/webhook_endpoints/{webhook_endpoint}', handler: (s, _ctx, p, [id]) => updateWebhookEndpoint(s, id!, p) },
  { method: 'DELETE', path: '/v1/webhook_endpoints/{webhook_endpoint}', handler: (s, _ctx, _p, [id]) => deleteWebhookEndpoint(s, id!) },
];

const PATTERNS = new Map(ROUTES.map((route) => [route, new RegExp(`^${route.path.replace(/\{[a-z_]+\}/g, '([^/]+)')}$`)]));

export function matchRoute(method: string, path: string): { route: Route; match: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = PATTERNS.get(route)!.exec(path);
    if (match) return { route, match: match.slice(1).map((s) => decodeURIComponent(s)) };
  }
  return undefined;
}
