import { createHash, randomBytes } from 'node:crypto';
// A shop of a test file's own (./shop.ts: the local Stripe in this process, a worker with a key
// pointed at it, the catalog seeded and mirrored). Started in beforeAll, stopped in afterAll, by
// `useLiveShop()`.
import Stripe from 'stripe';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalStripe, SeededCatalogProduct, StripeObject, WebhookDelivery } from '../../../tools/local-stripe/index';
import { STRIPE_TEST_KEY } from './constants';
import { parseResponse } from 'hono/client';
import { apiClient } from '../../../site/src/api';
import { pollUntil, startShop, type ApiCatalog, type ShopOptions, type StartedShop } from './shop';
import type { EntitlementsResponse as ApiEntitlements, OrderResponse as ApiOrderWithItems } from '../../../contract/api';

export { pollUntil, SYNC_TEST_TOKEN, type ApiCatalog, type ApiPrice, type ApiProduct } from './shop';

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

export type { EntitlementsResponse as ApiEntitlements, LineItemView as ApiLineItem, OrderResponse as ApiOrderWithItems } from '../../../contract/api';

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

/** Starting a shop that builds its own site: the build, then the worker (the usual hook timeout is 120 s). */
const SITE_BUILD_HOOK_TIMEOUT_MS = 240_000;

export type LiveShopOptions = ShopOptions;

/** Call at the top level of a test file. */
export function useLiveShop(options: LiveShopOptions = {}): LiveShop {
  let started: StartedShop | undefined;
  let stripe: Stripe | undefined;
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useLiveShop(): ${what} is not started yet (use it inside a test)`);
    return value;
  };
  const fake = () => must(started, 'the local Stripe').fake;

  beforeAll(async () => {
    started = await startShop(options);
    const { port } = new URL(started.fake.url);
    stripe = new Stripe(STRIPE_TEST_KEY, { host: '127.0.0.1', port: Number(port), protocol: 'http', maxNetworkRetries: 0 });
  }, options.site ? SITE_BUILD_HOOK_TIMEOUT_MS : undefined);

  afterAll(async () => {
    await started?.stop();
  });

  const shop: LiveShop = {
    get baseUrl() {
      return must(started, 'the worker').worker.baseUrl;
    },
    get fake() {
      return fake();
    },
    get stripe() {
      return must(stripe, 'the Stripe client');
    },
    seeded(slug) {
      const found = must(started, 'the shop').seeded.find((entry: SeededCatalogProduct) => entry.catalogId === slug);
      if (!found) throw new Error(`${slug} was not seeded`);
      return found;
    },
    async settle() {
      const target = fake();
      await target.flushWebhooks();
      const failed = target.deliveries.filter((delivery) => !delivery.ok);
      expect(failed, 'webhook deliveries the worker did not accept').toEqual([]);
    },
    // Through the site's own typed client: bodies are the worker's route types, never restated.
    catalog: () => parseResponse(apiClient(shop.baseUrl).catalog.$get()),
    waitForCatalog: (description, ready) => pollUntil(description, () => shop.catalog(), ready),
    entitlements: (buyer) => parseResponse(apiClient(shop.baseUrl).entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: buyer.id } }, { headers: { 'x-buyer-secret': buyer.secret } })),
    waitForEntitlements: (buyer, description, ready) => pollUntil(description, () => shop.entitlements(buyer), ready),
    order: (sessionId) => parseResponse(apiClient(shop.baseUrl).orders[':sessionId'].$get({ param: { sessionId } })),
    deliveryFor(type, objectId) {
      const target = fake();
      const event = target.events().find((e: StripeObject) => e.type === type && e.data?.object?.id === objectId);
      return event ? target.deliveries.find((delivery) => delivery.eventId === event.id) : undefined;
    },
  };
  return shop;
}
