// Checkout Sessions made by the worker, for carts. The client names prices and
// quantities only; amounts come from Stripe, and only prices the mirror knows
// to be on sale are accepted.
import { HTTPException } from 'hono/http-exception';
import type { Env } from './env';
import { sellablePrices } from './store/catalog';
import { stripeClient, stripeErrorMessage } from './stripe/client';

export interface CheckoutLines {
  items: { price: string; quantity: number }[];
  clientReferenceId: string;
  email: string | null;
}

/** Creates the Checkout Session and returns its URL; nothing is recorded until Stripe reports the outcome. */
export async function createCheckout(env: Env, request: CheckoutLines, siteOrigin: string): Promise<{ url: string }> {
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
