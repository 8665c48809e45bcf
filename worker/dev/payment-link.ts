// With a Stripe key (the local Stripe that `npm start` runs, or Stripe's test mode), the local
// Buy link is only an alias: it sends the buyer to the product's own Payment Link, so every
// local purchase goes through Stripe's (or the local Stripe's) hosted checkout.
import { HTTPException } from 'hono/http-exception';
import type { Product } from '../../catalog';
import { CLIENT_REFERENCE_ID } from '../../contract/ids';
import type { Env } from '../platform/env';
import { stripeClient } from '../stripe/client';

/** The product's active Payment Link (made by `npm run stripe:seed`, found by `metadata.catalog_id`), with the buyer's reference. */
export async function paymentLinkFor(env: Env, product: Product, reference: string, email: string): Promise<string> {
  const stripe = await stripeClient(env);
  if (!stripe) throw new HTTPException(503, { message: 'no STRIPE_SECRET_KEY' });
  for await (const link of stripe.paymentLinks.list({ active: true, limit: 100 })) {
    if (link.metadata?.catalog_id !== product.id) continue;
    const url = new URL(link.url);
    if (CLIENT_REFERENCE_ID.test(reference)) url.searchParams.set('client_reference_id', reference);
    if (email) url.searchParams.set('prefilled_email', email);
    return url.toString();
  }
  throw new HTTPException(404, { message: `no active Payment Link in Stripe for ${product.id}: run npm run stripe:seed (npm start seeds the local Stripe)` });
}
