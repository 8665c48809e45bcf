// @ts-check
// The `stripe` package as the tools use it: over fetch, at a configurable API origin (tests
// point it at the local Stripe), with keys checked for the mode a tool may act in.
import Stripe from 'stripe';

export class KeyError extends Error {}

/**
 * A secret or restricted key of `mode`, trimmed; anything else is refused before Stripe is called.
 * @param {string | undefined} key
 * @param {'test' | 'live'} mode
 * @param {string} tool what refuses, for the message
 */
export function checkKey(key, mode, tool) {
  const trimmed = key?.trim() ?? '';
  if (!trimmed) throw new KeyError(`STRIPE_SECRET_KEY is not set. Use a ${mode}-mode key from https://dashboard.stripe.com/${mode === 'test' ? 'test/' : ''}apikeys (sk_${mode}_… or rk_${mode}_…).`);
  const other = mode === 'test' ? 'live' : 'test';
  if (new RegExp(`^(sk|rk)_${other}_`).test(trimmed)) {
    throw new KeyError(
      mode === 'test'
        ? `Refusing a LIVE Stripe key: ${tool} works in test mode${tool === 'npm run launch' ? ' unless given --live' : ''}. Use an sk_test_… or rk_test_… key.`
        : `${tool} --live needs a LIVE key (sk_live_… or rk_live_…), not a test one.`,
    );
  }
  if (!new RegExp(`^(sk|rk)_${mode}_`).test(trimmed)) throw new KeyError(`STRIPE_SECRET_KEY must be a ${mode}-mode secret or restricted key (sk_${mode}_… or rk_${mode}_…).`);
  return trimmed;
}

/**
 * @param {string} key
 * @param {string} apiBase e.g. https://api.stripe.com
 * @param {string} name who calls, in Stripe's logs
 */
export function stripeClient(key, apiBase, name) {
  let url;
  try {
    url = new URL(apiBase);
  } catch {
    throw new KeyError(`STRIPE_API_BASE must be a URL, not ${JSON.stringify(apiBase)}`);
  }
  return new Stripe(key, {
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443,
    protocol: url.protocol === 'http:' ? 'http' : 'https',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 3,
    timeout: 30_000,
    appInfo: { name },
  });
}

/**
 * Stripe's own words for a failed call; null when it is not Stripe's.
 * @param {unknown} error
 */
export function stripeFailure(error) {
  return error instanceof Stripe.errors.StripeError ? `Stripe said (${error.statusCode ?? '?'} ${error.code ?? error.type}): ${error.message}` : null;
}
