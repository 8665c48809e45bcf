// The local Stripe as the tools' tests drive it: the `stripe` package pointed at it over fetch,
// and, for a file that needs nothing else, one local Stripe started for the file and reset
// before each test.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startLocalStripe, type LocalStripe } from '../../../tools/local-stripe/index';

/** The `stripe` package talking to the local Stripe at `base` (its URL). */
export function localStripeClient(base: string, key = 'sk_test_fake', options: Partial<Stripe.StripeConfig> = {}): Stripe {
  const url = new URL(base);
  return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: 'http', httpClient: Stripe.createFetchHttpClient(), ...options });
}

/** One local Stripe for the test file (`fake`, reset before each test) and a client of it (`stripe`), both set before the first test. */
export function useLocalStripe(): { fake: LocalStripe; stripe: Stripe } {
  const local = {} as { fake: LocalStripe; stripe: Stripe };
  beforeAll(async () => {
    local.fake = await startLocalStripe({ log: false });
    local.stripe = localStripeClient(local.fake.url);
  });
  afterAll(() => local.fake.close());
  beforeEach(() => local.fake.reset());
  return local;
}
