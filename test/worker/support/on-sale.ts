// A seller's Stripe account in the suite's fake Stripe API, mirrored into D1 through the worker's own sync.
import { env } from 'cloudflare:workers';
import type { InferRequestType } from 'hono/client';
import { bodyOf, testEnv, type TestApp, type testApp } from './app';
import { fakeStripe } from './stripe';
import type { CheckoutResponse } from '../../../contract/api';

export const stripe = fakeStripe(env.FAKE_STRIPE_URL);

export const withStripe = () =>
  testEnv({ STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL, SYNC_TOKEN: 'sync-token-for-tests', CATALOG: env.CATALOG });

export const post = (path: string, body: object, headers: Record<string, string> = {}) =>
  new Request(`https://shop.example${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A product and price on sale in the fake, mirrored through the worker's own sync. */
export async function onSale(app: ReturnType<typeof testApp>, options: { recurring?: boolean; amount?: number; catalogId?: string } = {}) {
  const product = await stripe.products.create({ name: 'Checkout test product', metadata: { catalog_id: options.catalogId ?? 'field-notes' } });
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: options.amount ?? 1200,
    ...(options.recurring ? { recurring: { interval: 'month' as const } } : {}),
  });
  for (const resource of ['products', 'prices'] as const) {
    let next: string | null = null;
    do {
      const response = await app.client(withStripe()).api.admin.sync.$post({ json: { resource, ...(next ? { startingAfter: next } : {}) } }, { headers: { authorization: 'Bearer sync-token-for-tests' } });
      const page = await response.json();
      next = page.hasMore ? page.next : null;
    } while (next);
  }
  return { product, price };
}

/** The Checkout Session behind POST /api/checkout's answer: the id at the end of its hosted page's url. */
export function sessionIdOf(answer: CheckoutResponse): string {
  if (!('url' in answer)) throw new Error(`expected a hosted checkout's url, got ${JSON.stringify(answer)}`);
  return answer.url.split('/').pop()!;
}

/** Stripe API calls the fake received for `path` (the fake keeps the latest 1,000). */
export async function stripeCallsTo(path: string): Promise<number> {
  const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as { requests: { path: string }[] };
  return requests.filter((request) => request.path === path).length;
}

type CheckoutInput = InferRequestType<ReturnType<TestApp['client']>['api']['checkout']['$post']>['json'];

/** POST /api/checkout through the typed client, answered 200 with a hosted page: the new session's id. */
export async function startCheckout(app: TestApp, request: CheckoutInput, headers: Record<string, string> = {}, environment = withStripe()): Promise<string> {
  return sessionIdOf(await bodyOf(app.client(environment).api.checkout.$post({ json: request }, { headers })));
}
