// Checkout Sessions made by the worker, for carts. The client names prices and
// quantities only; amounts come from Stripe, only prices the mirror knows to be on
// sale are accepted, and every option (embedded or hosted, promotion codes, tax, phone)
// comes from the seller's config (./settings.ts); shipping from the catalog's `shipping`.
import type Stripe from 'stripe';
import { catalog, findProduct, type ShippingSettings } from '../../catalog';
import { shippingRateData, shipsAny } from '../../catalog/shipping';
import type { CheckoutResponse } from '../../contract/api';
import { checkoutSettings, type CheckoutSettings } from './settings';
import type { Env } from '../platform/env';
import { Refusal } from '../platform/refusal';
import { sellablePrices, type SellablePrice } from '../store/catalog';
import { stripeClient, stripeErrorMessage } from '../stripe/client';

export interface CheckoutLines {
  items: { price: string; quantity: number }[];
  clientReferenceId: string;
  email: string | null;
  /** Where Cancel on a hosted checkout returns (a path on the site): the cart, unless a Buy names its own. */
  cancelPath?: string;
}

/**
 * The session's parameters: pure, so each option is tested without Stripe. `prices` are the
 * request's prices as the mirror knows them (all of them sellable).
 */
export function sessionParams(
  request: CheckoutLines,
  prices: SellablePrice[],
  settings: CheckoutSettings,
  siteOrigin: string,
  shipping: ShippingSettings | null = catalog.shipping ?? null,
): Stripe.Checkout.SessionCreateParams {
  const known = new Map(prices.map((price) => [price.id, price]));
  const products = request.items.map((item) => {
    const catalogId = known.get(item.price)?.catalogId;
    return catalogId ? findProduct(catalogId) : undefined;
  });
  const recurring = prices.some((price) => price.type === 'recurring');
  const first = known.get(request.items[0]!.price);
  const mode = recurring ? 'subscription' : 'payment';
  // The build refuses a physical product without countries; a shop without them asks nothing.
  const ships = shipsAny(products) && shipping !== null && shipping.countries.length > 0;
  const returnTo = `${siteOrigin}/success?session_id={CHECKOUT_SESSION_ID}`;
  return {
    mode,
    line_items: request.items,
    client_reference_id: request.clientReferenceId,
    ...(request.email ? { customer_email: request.email } : {}),
    // Names the order's product for the success page and the fulfil hook.
    ...(first?.catalogId ? { metadata: { product_id: first.catalogId } } : {}),
    // Embedded sessions finish at return_url and have no cancel page: the buyer never left the cart.
    ...(settings.mode === 'embedded'
      ? { ui_mode: 'embedded_page' as const, return_url: returnTo }
      : { success_url: returnTo, cancel_url: `${siteOrigin}${request.cancelPath ?? '/cart'}` }),
    ...(settings.promotionCodes ? { allow_promotion_codes: true } : {}),
    ...(ships ? { shipping_address_collection: { allowed_countries: shipping.countries as Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry[] } } : {}),
    // Stripe takes shipping rates on one-time payments only; made inline, so no Shipping Rate ids to keep.
    ...(ships && mode === 'payment' && (shipping.rates ?? []).length > 0 ? { shipping_options: shipping.rates!.map((rate) => ({ shipping_rate_data: shippingRateData(rate) })) } : {}),
    ...(settings.automaticTax ? { automatic_tax: { enabled: true } } : {}),
    ...(settings.phoneNumber ? { phone_number_collection: { enabled: true } } : {}),
  } satisfies Stripe.Checkout.SessionCreateParams;
}

/** A line over its product's `maxQuantity` (catalog/catalog.json), as the 400 names it; null when none is. */
export function overLimit(request: CheckoutLines, prices: SellablePrice[]): string | null {
  for (const item of request.items) {
    const catalogId = prices.find((price) => price.id === item.price)?.catalogId;
    const product = catalogId ? findProduct(catalogId) : undefined;
    if (product?.maxQuantity !== undefined && item.quantity > product.maxQuantity) {
      return `at most ${product.maxQuantity} of ${product.name} per order (asked for ${item.quantity})`;
    }
  }
  return null;
}

/**
 * Creates the Checkout Session; nothing is recorded until Stripe reports the outcome.
 * `redirect`: a hosted session whatever the mode, for a plain link followed without JavaScript.
 */
export async function createCheckout(env: Env, request: CheckoutLines, siteOrigin: string, redirect = false): Promise<CheckoutResponse> {
  const stripe = await stripeClient(env);
  if (!stripe) throw new Refusal(503, 'checkout is not configured on this shop (no STRIPE_SECRET_KEY); use its Payment Links');
  const config = checkoutSettings(env);
  if (!config.ok) throw new Refusal(503, `checkout is misconfigured: ${config.error}`);
  const settings: CheckoutSettings = redirect ? { ...config.settings, mode: 'hosted' } : config.settings;
  const prices = await sellablePrices(
    env.DB,
    request.items.map((item) => item.price),
  );
  const known = new Set(prices.map((price) => price.id));
  const unknown = request.items.find((item) => !known.has(item.price));
  if (unknown) throw new Refusal(400, `price ${unknown.price} is not for sale`);
  const tooMany = overLimit(request, prices);
  if (tooMany) throw new Refusal(400, tooMany);

  try {
    const session = await stripe.checkout.sessions.create(sessionParams(request, prices, settings, siteOrigin));
    if (settings.mode === 'embedded') {
      if (!session.client_secret) throw new Error('Stripe returned an embedded session without a client_secret');
      return { clientSecret: session.client_secret, publishableKey: settings.publishableKey! };
    }
    if (!session.url) throw new Error('Stripe returned a session without a url');
    return { url: session.url };
  } catch (error) {
    console.error(JSON.stringify({ msg: 'checkout session not created', error: stripeErrorMessage(error) }));
    throw new Refusal(502, `Stripe: ${stripeErrorMessage(error)}`);
  }
}
