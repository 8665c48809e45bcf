// The local Stripe: an in-memory stand-in for api.stripe.com on 127.0.0.1 that answers what
// stripe-node sends with Stripe-shaped JSON (built on Stripe's own example objects), records
// the events Stripe records, delivers them signed as Stripe signs, and hosts the pages Stripe
// hosts (checkout, Payment Links, the customer portal). `npm start` runs it for the shop; the
// tests run it for themselves. See README.md.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StripeApiError } from './core/errors';
import { LocalStripeServer } from './http/server';
import type { ObjectKind } from './core/ids';
import { toParams } from './core/params';
import { completeSession, createCheckoutSession, expireSession } from './resources/checkout-sessions';
import { createCustomer } from './resources/customers';
import { createPaymentLink } from './resources/payment-links';
import { createPrice } from './resources/prices';
import { createProduct, updateProduct } from './resources/products';
import { createCoupon, createPromotionCode } from './resources/promotion-codes';
import { createSubscription } from './resources/subscriptions';
import { clone, defaultFixturesPath, Store, type StoredState } from './core/store';
import type { LocalStripe, LocalStripeOptions, RequestContext, SeedOptions, StripeObject } from './core/types';
import { WebhookSender } from './core/webhooks';

export { parseBracketParams } from './core/params';
export type { ObjectKind } from './core/ids';
export type * from './core/types';

const seedCtx = (options?: SeedOptions): RequestContext => ({ requestId: null, idempotencyKey: null, apiVersion: null, created: options?.created });

/** Seeding throws plain Errors (with Stripe's status, type, code and param attached), not API answers. */
function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StripeApiError) {
      const wrapped = new Error(`local Stripe: ${error.message}${error.param ? ` (${error.param})` : ''}`);
      Object.assign(wrapped, { status: error.status, type: error.type, code: error.code, param: error.param });
      throw wrapped;
    }
    throw error;
  }
}

/** Loads the state at `path` if there is one, then saves it (debounced) after every change. */
function stateSaver(store: Store, path: string, log: (message: string) => void) {
  if (existsSync(path)) store.restore(JSON.parse(readFileSync(path, 'utf8')) as StoredState);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const saveNow = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify(store.snapshot()));
      renameSync(`${path}.tmp`, path);
    } catch (error) {
      log(`state not saved to ${path}: ${String(error)}`);
    }
  };
  store.onChange = () => {
    timer ??= setTimeout(saveNow, 250);
  };
  return { saveNow };
}

export async function startLocalStripe(options: LocalStripeOptions = {}): Promise<LocalStripe> {
  const log = options.log === false ? () => {} : (options.log ?? ((message: string) => console.warn(`[local-stripe] ${message}`)));
  const webhooks = new WebhookSender({ log, retryDelaysMs: options.webhookRetryDelaysMs, chaos: options.chaos, random: options.random });
  if (options.webhook) webhooks.setTarget(options.webhook);
  const store = new Store(options.fixturesPath ?? defaultFixturesPath(), webhooks);
  const saver = options.statePath ? stateSaver(store, options.statePath, log) : null;
  const server = new LocalStripeServer(store, log);
  await server.listen(options.port ?? 0);
  const out = <T>(value: T): T => clone(value);
  const api: LocalStripe = {
    get url() {
      return store.baseUrl;
    },
    get port() {
      return server.port;
    },
    close: async () => {
      saver?.saveNow();
      await webhooks.close();
      await server.close();
    },
    reset: () => server.resetAll(),
    set429: (count, opts) => server.set429(count, opts),
    setWebhook: (webhook) => webhooks.setTarget(webhook),
    get deliveries() {
      return webhooks.deliveries;
    },
    get requests() {
      return server.requests;
    },
    flushWebhooks: () => webhooks.flush(),
    get: <T>(id: string) => store.get(id) as T | undefined,
    all: <T>(kind: ObjectKind) => store.all(kind) as T[],
    events: () => store.all('event'),
    recordEvent: (type, object, opts) => store.recordEvent(type, object, seedCtx({ created: opts?.created }), opts?.previousAttributes),
    seedProduct: (params, opts) => out(call(() => createProduct(store, toParams(params), seedCtx(opts)))),
    seedPrice: (params, opts) => out(call(() => createPrice(store, toParams(params), seedCtx(opts)))),
    seedCustomer: (params = {}, opts) => out(call(() => createCustomer(store, toParams(params), seedCtx(opts)))),
    seedSubscription: (params, opts) => out(call(() => createSubscription(store, toParams(params), seedCtx(opts)))),
    seedPaymentLink: (params, opts) => out(call(() => createPaymentLink(store, toParams(params), seedCtx(opts)))),
    seedCheckoutSession: (params, opts) => out(call(() => createCheckoutSession(store, toParams(params), seedCtx(opts)))),
    seedCoupon: (params, opts) => out(call(() => createCoupon(store, toParams(params), seedCtx(opts)))),
    seedPromotionCode: ({ code, coupon }, opts) => out(call(() => createPromotionCode(store, toParams({ code, promotion: { type: 'coupon', coupon } }), seedCtx(opts)))),
    seedCatalog: (catalog, opts = {}) => {
      const shopUrl = (opts.shopUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
      return catalog.products.map((entry) => {
        const product = api.seedProduct({ name: entry.name, description: entry.description, metadata: { catalog_id: entry.id } });
        const price = api.seedPrice({ product: product.id, unit_amount: entry.price.amount, currency: entry.price.currency });
        call(() => updateProduct(store, product.id, { default_price: price.id }, seedCtx()));
        const paymentLink = api.seedPaymentLink({
          line_items: [{ price: price.id, quantity: 1 }],
          after_completion: { type: 'redirect', redirect: { url: `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}` } },
          metadata: { catalog_id: entry.id },
        });
        return { catalogId: entry.id, product: store.get(product.id)!, price, paymentLink };
      });
    },
    completeCheckoutSession: async (id, opts = {}) => {
      const { email, ...form } = opts;
      const session = call(() => completeSession(store, id, email, seedCtx(), form));
      await webhooks.flush();
      return out(session);
    },
    expireCheckoutSession: async (id) => {
      const session = call(() => expireSession(store, id, seedCtx()));
      await webhooks.flush();
      return out(session);
    },
  };
  return api;
}
