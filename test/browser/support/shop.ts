// Starts a shop that sells through the local Stripe (tools/local-stripe), run in this process,
// and a worker of its own (`wrangler dev`, see ./worker.ts) with a test key pointed at it and its
// webhooks delivered to it. The local Stripe is seeded with catalog/catalog.json; the worker's
// mirror fills through those webhooks alone. No vitest hooks here: the global setup starts the
// shared shop with it, `useLiveShop()` (./live-shop.ts) one shop per test file.
import catalog from '../../../catalog/catalog.json';
import { startLocalStripe, type LocalStripe, type LocalStripeOptions, type SeededCatalogProduct } from '../../../tools/local-stripe/index';
import { DOWNLOAD_SECRET, STRIPE_TEST_KEY, WEBHOOK_SECRET } from './constants';
import { startWorker, type RunningWorker } from './worker';
import type { CatalogResponse as ApiCatalog } from '../../../contract/api';
import { hc, parseResponse } from 'hono/client';
import type { AppType } from '../../../worker/app';

/** Bearer token for the worker's /api/admin/* (npm run stripe:sync). */
export const SYNC_TEST_TOKEN = 'sync-token-for-e2e';

// The API's shapes are the contract's (contract/api.ts), named here as these tests know them.
export type { LivePrice as ApiPrice, LiveProduct as ApiProduct, CatalogResponse as ApiCatalog } from '../../../contract/api';

/** The worker's routes as a typed client (`hc<AppType>`, worker/app.ts): bodies are the routes' own types. */
export const shopClient = (baseUrl: string, headers: Record<string, string> = {}) => hc<AppType>(baseUrl, { headers });

const POLL_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `read` until `ready(value)` or the deadline; throws with the last value seen. */
export async function pollUntil<T>(description: string, read: () => Promise<T>, ready: (value: T) => boolean, timeoutMs = POLL_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (ready(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(POLL_INTERVAL_MS);
  }
  const seen = lastError !== undefined ? `error: ${String(lastError)}` : `last value: ${JSON.stringify(last, null, 2)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; ${seen}`);
}

/** Waits (at most ~1 s) until the clock reached the second after `seconds` (unix time). */
async function laterSecondThan(seconds: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (Math.floor(Date.now() / 1000) <= seconds && Date.now() < deadline) await sleep(20);
}

export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** The catalog products as `seedCatalog` takes them. */
export const catalogSeed = () => ({
  products: catalog.products.map(({ id, name, description, price }) => ({ id, name, description, price })),
});

/** Every seeded catalog product is in the live catalog, by slug, with its seeded price. */
function lists(seeded: SeededCatalogProduct[], live: ApiCatalog): boolean {
  return seeded.every(({ catalogId, product, price }) =>
    live.products.some((p) => p.id === product.id && p.catalogId === catalogId && p.prices.some((pr) => pr.id === price.id)),
  );
}

/** Waits until every webhook queued so far was delivered; throws naming any delivery the worker did not accept. */
export async function settleWebhooks(fake: LocalStripe): Promise<void> {
  await fake.flushWebhooks();
  const failed = fake.deliveries.filter((delivery) => !delivery.ok);
  if (failed.length > 0) throw new Error(`webhook deliveries the worker did not accept: ${JSON.stringify(failed, null, 2)}`);
}

export interface ShopOptions {
  /** More worker vars (checkout mode and options). */
  vars?: Record<string, string>;
  logName?: string;
  stripe?: LocalStripeOptions;
  /**
   * Builds the site this worker serves instead of dist/, once the local Stripe runs (its origin
   * given): resolves to the build's directory.
   */
  site?: (localStripeUrl: string) => Promise<string>;
}

export interface StartedShop {
  readonly fake: LocalStripe;
  readonly worker: RunningWorker;
  /** What `seedCatalog` created, per catalog product. */
  readonly seeded: SeededCatalogProduct[];
  /** Stops the worker, then the local Stripe. */
  stop(): Promise<void>;
}

/** The local Stripe, the worker, the catalog seeded and mirrored: resolves once the worker lists it. */
export async function startShop(options: ShopOptions = {}): Promise<StartedShop> {
  const fake = await startLocalStripe(options.stripe);
  let worker: RunningWorker | undefined;
  try {
    const dist = await options.site?.(fake.url);
    worker = await startWorker({
      dist,
      // Each webhook commits on its request: these tests assert what one delivery did (its answer, a
      // failure for the seller's Retry). Queue mode is tested with the real consumer in the worker
      // tests, and end to end by npm start's own test.
      vars: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: STRIPE_TEST_KEY, STRIPE_API_BASE: fake.url, SYNC_TOKEN: SYNC_TEST_TOKEN, DOWNLOAD_SIGNING_SECRET: DOWNLOAD_SECRET, WEBHOOK_PROCESSING: 'sync', ...options.vars },
      logName: options.logName ?? 'live-worker.log',
      // The worker must reach the local Stripe (an empty catalog, not a 500) and offer checkout.
      probe: async (baseUrl) => {
        const live = await parseResponse(shopClient(baseUrl).api.catalog.$get());
        if (live.checkout !== true || live.products.length !== 0) throw new Error(`expected an empty catalog with checkout, got ${JSON.stringify(live)}`);
      },
    });
    const baseUrl = worker.baseUrl;
    fake.setWebhook({ url: `${baseUrl}/webhooks/stripe`, secret: WEBHOOK_SECRET });
    const seeded = fake.seedCatalog(catalogSeed(), { shopUrl: baseUrl });
    await settleWebhooks(fake);
    await pollUntil('the seeded catalog in /api/catalog', () => parseResponse(shopClient(baseUrl).api.catalog.$get()), (live) => lists(seeded, live));
    // A seller's dashboard change comes well after the seeding. The mirror orders two events
    // about one object by their `created` second, ties broken by event id, which is random:
    // an update in the same second as the seeding could lose to it (worker/store/mirror.ts).
    await laterSecondThan(Math.max(...fake.events().map((event) => Number(event.created))));
    const running = worker;
    return {
      fake,
      worker: running,
      seeded,
      async stop() {
        await running.stop();
        await fake.close();
      },
    };
  } catch (error) {
    await worker?.stop();
    await fake.close();
    throw error;
  }
}
