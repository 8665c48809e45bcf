// The one way the worker talks to Stripe's API: the official SDK over fetch,
// with the API origin configurable so tests and local runs can use a fake.
import Stripe from 'stripe';
import type { Env } from '../env';

const clients = new Map<string, Stripe>();

/** Null when no API key is configured: the shop then runs on Payment Links and webhooks alone. */
export function stripeClient(env: Env): Stripe | null {
  const key = env.STRIPE_SECRET_KEY?.trim();
  if (!key) return null;
  const base = env.STRIPE_API_BASE?.trim() || 'https://api.stripe.com';
  const cacheKey = `${base} ${key}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const url = new URL(base);
    client = new Stripe(key, {
      httpClient: Stripe.createFetchHttpClient(),
      host: url.hostname,
      port: url.port || (url.protocol === 'http:' ? 80 : 443),
      protocol: url.protocol === 'http:' ? 'http' : 'https',
      maxNetworkRetries: 1,
      timeout: 10_000,
    });
    clients.set(cacheKey, client);
  }
  return client;
}

/** Stripe's own words for a failed call, for a 502 the shopper or seller can act on. */
export function stripeErrorMessage(error: unknown): string {
  if (error instanceof Stripe.errors.StripeError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export const isStripeError = (error: unknown): error is Stripe.errors.StripeError => error instanceof Stripe.errors.StripeError;
