import { createHash, randomBytes } from 'node:crypto';
// A shop that sells through Stripe: the fake Stripe API (test/fake-stripe) in this process,
// and a worker of its own (`wrangler dev`, see ./worker.ts) with a Stripe key pointed at the
// fake and the fake's webhooks delivered to it. The fake is seeded with catalog/catalog.json;
// the worker's mirror fills through those webhooks alone (no admin sync: this worker has no
// SYNC_TOKEN). Started in beforeAll, stopped in afterAll, by `useLiveShop()`.
import Stripe from 'stripe';
import { afterAll, beforeAll, expect } from 'vitest';
import catalog from '../../../catalog/catalog.json';
import { startLocalStripe, type LocalStripe, type LocalStripeOptions, type SeededCatalogProduct, type StripeObject, type WebhookDelivery } from '../../../tools/local-stripe/index';
import { DOWNLOAD_SECRET, STRIPE_TEST_KEY, WEBHOOK_SECRET } from './constants';
import { startWorker, type RunningWorker } from './worker';

/** One active price as `GET /api/catalog` lists it. */
/** Bearer token for the worker's /api/admin/* (npm run stripe:sync). */
export const SYNC_TEST_TOKEN = 'sync-token-for-e2e';

export interface ApiPrice {
  id: string;
  currency: string;
  unitAmount: number | null;
  type: 'one_time' | 'recurring';
  interval: string | null;
}

/** One active product as `GET /api/catalog` lists it. */
export interface ApiProduct {
  id: string;
  name: string;
  description: string | null;
  catalogId: string | null;
  prices: ApiPrice[];
}

/** What `GET /api/catalog` answers. */
export interface ApiCatalog {
  checkout: boolean;
  products: ApiProduct[];
}

/** A storefront buyer: the client reference id and the secret it is derived from (site/src/buyer.ts). */
export interface Buyer {
  id: string;
  secret: string;
}

/** A buyer made the way the storefront makes one, for tests that buy without a page. */
export function newBuyer(): Buyer {
  const secret = randomBytes(32).toString('base64url');
  return { id: `b_${createHash('sha256').update(secret).digest('base64url')}`, secret };
}

/** What `GET /api/entitlements/:clientReferenceId` answers. */
export interface ApiEntitlements {
  clientReferenceId: string;
  products: { orderId: string; product: { id: string; name: string } | null; fulfilledAt: string | null }[];
  subscriptions: { subscriptionId: string; status: string | null; cancelAtPeriodEnd: boolean; products: { id: string; name: string | null }[] }[];
}

/** A line of `GET /api/orders/:id`'s `lineItems`. */
export interface ApiLineItem {
  price: string | null;
  product: string | null;
  description: string | null;
  quantity: number;
  amountTotal: number | null;
  currency: string | null;
}

/** What `GET /api/orders/:id` answers (the fields these tests read). */
export interface ApiOrderWithItems {
  id: string;
  status: string;
  clientReferenceId: string | null;
  amountTotal: number | null;
  currency: string | null;
  product: { id: string; name: string } | null;
  deliveryToken: string | null;
  lineItems: ApiLineItem[];
}

export interface LiveShop {
  /** The worker under test, e.g. `http://127.0.0.1:24567`. */
  readonly baseUrl: string;
  /** The fake Stripe API, in this process. */
  readonly fake: LocalStripe;
  /** The seller's own Stripe client (what a dashboard action does), pointed at the fake. */
  readonly stripe: Stripe;
  /** What `seedCatalog` created for a catalog slug. */
  seeded(slug: string): SeededCatalogProduct;
  /** Waits until every webhook queued so far was delivered; fails if any delivery so far was not a 2xx. */
  settle(): Promise<void>;
  /** Polls `GET /api/catalog` (bounded) until `ready` holds; returns that catalog. */
  waitForCatalog(description: string, ready: (catalog: ApiCatalog) => boolean): Promise<ApiCatalog>;
  /** `GET /api/catalog`, once. */
  catalog(): Promise<ApiCatalog>;
  /** `GET /api/entitlements/:id`, once, proven with the buyer's secret (as the storefront keeps it). */
  entitlements(buyer: Buyer): Promise<ApiEntitlements>;
  /** Polls the entitlements (bounded) until `ready` holds; returns them. */
  waitForEntitlements(buyer: Buyer, description: string, ready: (held: ApiEntitlements) => boolean): Promise<ApiEntitlements>;
  /** `GET /api/orders/:id`, expecting 200. */
  order(sessionId: string): Promise<ApiOrderWithItems>;
  /** The webhook delivery of the (first) event of `type` about the object `objectId`. */
  deliveryFor(type: string, objectId: string): WebhookDelivery | undefined;
}

const POLL_TIMEOUT_MS = 20_000;
/** Starting a shop that builds its own site: the build, then the worker (the usual hook timeout is 120 s). */
const SITE_BUILD_HOOK_TIMEOUT_MS = 240_000;
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

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
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

export interface LiveShopOptions {
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

/** Call at the top level of a test file. */
export function useLiveShop(options: LiveShopOptions = {}): LiveShop {
  let fake: LocalStripe | undefined;
  let worker: RunningWorker | undefined;
  let stripe: Stripe | undefined;
  let seeded: SeededCatalogProduct[] = [];
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useLiveShop(): ${what} is not started yet (use it inside a test)`);
    return value;
  };

  beforeAll(async () => {
    fake = await startLocalStripe(options.stripe);
    const fakeUrl = fake.url;
    const dist = await options.site?.(fakeUrl);
    worker = await startWorker({
      dist,
      vars: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: STRIPE_TEST_KEY, STRIPE_API_BASE: fakeUrl, SYNC_TOKEN: SYNC_TEST_TOKEN, DOWNLOAD_SIGNING_SECRET: DOWNLOAD_SECRET, ...options.vars },
      logName: options.logName ?? 'live-worker.log',
      // The worker must reach the fake (an empty catalog, not a 500) and offer checkout.
      probe: async (baseUrl) => {
        const live = await getJson<ApiCatalog>(`${baseUrl}/api/catalog`);
        if (live.checkout !== true || live.products.length !== 0) throw new Error(`expected an empty catalog with checkout, got ${JSON.stringify(live)}`);
      },
    });
    fake.setWebhook({ url: `${worker.baseUrl}/webhooks/stripe`, secret: WEBHOOK_SECRET });
    const { port } = new URL(fakeUrl);
    stripe = new Stripe(STRIPE_TEST_KEY, { host: '127.0.0.1', port: Number(port), protocol: 'http', maxNetworkRetries: 0 });

    seeded = fake.seedCatalog(catalogSeed(), { shopUrl: worker.baseUrl });
    await shop.settle();
    await shop.waitForCatalog('the seeded catalog in /api/catalog', (live) => lists(seeded, live));
    // A seller's dashboard change comes well after the seeding. The mirror orders two events
    // about one object by their `created` second, ties broken by event id, which is random:
    // an update in the same second as the seeding could lose to it (worker/store/mirror.ts).
    await laterSecondThan(Math.max(...fake.events().map((event) => Number(event.created))));
  }, options.site ? SITE_BUILD_HOOK_TIMEOUT_MS : undefined);

  afterAll(async () => {
    await worker?.stop();
    await fake?.close();
  });

  const shop: LiveShop = {
    get baseUrl() {
      return must(worker, 'the worker').baseUrl;
    },
    get fake() {
      return must(fake, 'the fake Stripe API');
    },
    get stripe() {
      return must(stripe, 'the Stripe client');
    },
    seeded(slug) {
      const found = seeded.find((entry) => entry.catalogId === slug);
      if (!found) throw new Error(`${slug} was not seeded`);
      return found;
    },
    async settle() {
      const target = must(fake, 'the fake Stripe API');
      await target.flushWebhooks();
      const failed = target.deliveries.filter((delivery) => !delivery.ok);
      expect(failed, 'webhook deliveries the worker did not accept').toEqual([]);
    },
    catalog: () => getJson<ApiCatalog>(`${shop.baseUrl}/api/catalog`),
    waitForCatalog: (description, ready) => pollUntil(description, () => shop.catalog(), ready),
    entitlements: (buyer) => getJson<ApiEntitlements>(`${shop.baseUrl}/api/entitlements/${encodeURIComponent(buyer.id)}`, { 'x-buyer-secret': buyer.secret }),
    waitForEntitlements: (buyer, description, ready) => pollUntil(description, () => shop.entitlements(buyer), ready),
    order: (sessionId) => getJson<ApiOrderWithItems>(`${shop.baseUrl}/api/orders/${encodeURIComponent(sessionId)}`),
    deliveryFor(type, objectId) {
      const target = must(fake, 'the fake Stripe API');
      const event = target.events().find((e: StripeObject) => e.type === type && e.data?.object?.id === objectId);
      return event ? target.deliveries.find((delivery) => delivery.eventId === event.id) : undefined;
    },
  };
  return shop;
}
