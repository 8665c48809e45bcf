// The one way the worker talks to Stripe's API: the official SDK over fetch,
// with the API origin configurable so tests and local runs can use a fake.
// The SDK is imported lazily: webhooks, the order API and the catalog never
// need it, and a cold start should not pay for evaluating it.
import type Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../../contract/stripe-events';
import type { Env } from '../platform/env';

const clients = new Map<string, Stripe>();

/** Whether the worker may call Stripe at all; without a key the shop runs on Payment Links and webhooks alone. */
export function hasStripeKey(env: Env): boolean {
  return Boolean(env.STRIPE_SECRET_KEY?.trim());
}

export async function stripeClient(env: Env): Promise<Stripe | null> {
  const key = env.STRIPE_SECRET_KEY?.trim();
  if (!key) return null;
  const base = env.STRIPE_API_BASE?.trim() || 'https://api.stripe.com';
  const cacheKey = `${base} ${key}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const { default: StripeSdk } = await import('stripe');
    const url = new URL(base);
    client = new StripeSdk(key, {
      // The version the worker's code reads, whatever the account's default is; the shop's webhook
      // endpoint is made with it too, so API answers and events share their shapes.
      apiVersion: STRIPE_API_VERSION,
      httpClient: StripeSdk.createFetchHttpClient(),
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

/** The SDK's errors, recognised without loading the SDK: `type` is StripeInvalidRequestError, StripeRateLimitError, … */
export function isStripeError(error: unknown): error is Stripe.errors.StripeError {
  const type: unknown = error instanceof Error ? (error as Error & { type?: unknown }).type : undefined;
  return typeof type === 'string' && type.startsWith('Stripe');
}

/** Stripe's own words for a failed call, for a 502 the shopper or seller can act on. */
export function stripeErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
