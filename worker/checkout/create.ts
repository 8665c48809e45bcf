// Checkout Sessions made by the worker, for carts. The client names prices and
// quantities only; amounts come from Stripe, and only prices the mirror knows
// to be on sale are accepted.
import { HTTPException } from 'hono/http-exception';
import type { Env } from '../env';
import { sellablePrices } from '../store/catalog';
import { stripeClient, stripeErrorMessage } from '../stripe/client';
import { CLIENT_REFERENCE_ID } from '../orders/order';

export const MAX_QUANTITY = 10;
export const MAX_LINES = 20;

export interface CheckoutRequest {
  items: { price: string; quantity: number }[];
  clientReferenceId: string;
  email: string | null;
}

const PRICE_ID = /^price_[A-Za-z0-9_]{1,100}$/;
export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

/** Validates the request body; throws a 400 naming the first problem. */
export function parseCheckoutRequest(body: unknown): CheckoutRequest {
  const bad = (message: string) => new HTTPException(400, { message });
  if (typeof body !== 'object' || body === null) throw bad('body must be a JSON object');
  const { items, clientReferenceId, email } = body as Record<string, unknown>;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_LINES) throw bad(`items must be a list of 1–${MAX_LINES} lines`);
  const seen = new Set<string>();
  const lines = items.map((item, index) => {
    const { price, quantity } = (item ?? {}) as Record<string, unknown>;
    if (typeof price !== 'string' || !PRICE_ID.test(price)) throw bad(`items[${index}].price must be a Stripe price id (price_…)`);
    if (seen.has(price)) throw bad(`items[${index}].price repeats ${price}; change its quantity instead`);
    seen.add(price);
    if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > MAX_QUANTITY) {
      throw bad(`items[${index}].quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    return { price, quantity: quantity as number };
  });
  if (typeof clientReferenceId !== 'string' || !CLIENT_REFERENCE_ID.test(clientReferenceId)) {
    throw bad('clientReferenceId must be 1–200 characters of A-Z, a-z, 0-9, _ or -');
  }
  if (email !== undefined && email !== null && (typeof email !== 'string' || !EMAIL.test(email))) throw bad('email is not an email address');
  return { items: lines, clientReferenceId, email: (email as string | null | undefined) ?? null };
}

/** Creates the Checkout Session and returns its URL; nothing is recorded until Stripe reports the outcome. */
export async function createCheckout(env: Env, request: CheckoutRequest, siteOrigin: string): Promise<{ url: string }> {
  const stripe = await stripeClient(env);
  if (!stripe) throw new HTTPException(503, { message: 'checkout is not configured on this shop (no STRIPE_SECRET_KEY); use its Payment Links' });
  const prices = await sellablePrices(
    env.DB,
    request.items.map((item) => item.price),
  );
  const known = new Map(prices.map((price) => [price.id, price]));
  const unknown = request.items.find((item) => !known.has(item.price));
  if (unknown) throw new HTTPException(400, { message: `price ${unknown.price} is not for sale` });

  const recurring = prices.some((price) => price.type === 'recurring');
  const first = known.get(request.items[0]!.price)!;
  try {
    const session = await stripe.checkout.sessions.create({
      mode: recurring ? 'subscription' : 'payment',
      line_items: request.items,
      client_reference_id: request.clientReferenceId,
      ...(request.email ? { customer_email: request.email } : {}),
      // Names the order's product for the success page and the fulfil hook.
      ...(first.catalogId ? { metadata: { product_id: first.catalogId } } : {}),
      success_url: `${siteOrigin}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${siteOrigin}/cart`,
    });
    if (!session.url) throw new Error('Stripe returned a session without a url');
    return { url: session.url };
  } catch (error) {
    console.error(JSON.stringify({ msg: 'checkout session not created', error: stripeErrorMessage(error) }));
    throw new HTTPException(502, { message: `Stripe: ${stripeErrorMessage(error)}` });
  }
}
