// Order status polling for the success page. DOM-free: fetch, timers and clock are injectable.
import { findProduct } from '../../catalog';
import { formatMoney } from '../../catalog/money';
import { CHECKOUT_SESSION_ID } from '../../contract/ids';
import { apiClient, type OrderBody } from './api';
export { orderLineTexts } from '../../catalog/order-page';

export { formatBytes, subscriptionNotice } from '../../catalog/order-page';

/**
 * What the page uses of `GET /api/orders/:sessionId` (the worker's own type, so a renamed field
 * fails here). A status the page does not know yet is kept as text, and shown as terminal.
 */
export type Order = Pick<
  OrderBody,
  'id' | 'clientReferenceId' | 'amountTotal' | 'amountDiscount' | 'currency' | 'subscription' | 'product' | 'fulfilledAt' | 'deliveryToken' | 'createdAt' | 'updatedAt' | 'licenceKeys' | 'subscriptionAccess' | 'lineItems' | 'shipment'
> & {
  status: OrderBody['status'] | (string & {});
  /** Signed links to the order's files; [] until fulfilled. */
  downloads: Download[];
};

/** A file's link as the page uses it: `url` is a path on the worker's /downloads/. */
export type Download = Pick<OrderBody['downloads'][number], 'product' | 'name' | 'filename' | 'size' | 'url' | 'limit' | 'used' | 'update'>;

/** `key` is null while the seller's pool has no key for this order yet. */
export type LicenceKey = OrderBody['licenceKeys'][number];

/** A line of the order as Stripe described it (`description` is the product's name). */
export type LineItem = OrderBody['lineItems'][number];

/** Goods to ship: the cost, and the carrier and tracking number once shipped; null when nothing ships. */
export type Shipment = NonNullable<OrderBody['shipment']>;

/** Whether a subscription's files and licence keys are served now; null for an order without one. */
export type SubscriptionAccess = NonNullable<OrderBody['subscriptionAccess']>;


export function isValidSessionId(value: string | null | undefined): value is string {
  return typeof value === 'string' && CHECKOUT_SESSION_ID.test(value);
}

/** `pending` (async payment processing) and `paid` (fulfilment running) can still change. */
const IN_PROGRESS = new Set(['pending', 'paid']);

/** Terminal: `fulfilled`, `payment_failed`, `expired` and any status this page does not know. */
export function isTerminalStatus(status: string): boolean {
  return !IN_PROGRESS.has(status);
}

export const POLLING = {
  /** Waits: 0, 500, 750, 1125, … ×1.5, capped at 5 s. */
  firstRetryMs: 500,
  factor: 1.5,
  maxDelayMs: 5_000,
  /** Show the "still confirming" message after this long without a terminal status. */
  slowAfterMs: 60_000,
  /** Stop polling altogether after this long. */
  giveUpAfterMs: 10 * 60_000,
  /** Abort a single request that hangs this long (it then counts as an error and is retried). */
  requestTimeoutMs: 10_000,
} as const;

/** The wait before the next request, given the previous wait (0 before the first retry). */
export function nextDelay(previousMs: number): number {
  if (previousMs <= 0) return POLLING.firstRetryMs;
  return Math.min(previousMs * POLLING.factor, POLLING.maxDelayMs);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const productOf = (value: unknown): { id: string; name: string } | null =>
  isObject(value) && typeof value.id === 'string' && typeof value.name === 'string' ? { id: value.id, name: value.name } : null;

const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

/** A download the page may link to: only a path on the worker's /downloads/, never another origin or scheme. */
function parseDownload(value: unknown): Download | null {
  if (!isObject(value)) return null;
  const product = productOf(value.product);
  const [size, limit, used] = [count(value.size), count(value.limit), count(value.used)];
  if (!product || typeof value.name !== 'string' || typeof value.filename !== 'string' || size === null || limit === null || used === null) return null;
  if (typeof value.url !== 'string' || !value.url.startsWith('/downloads/')) return null;
  return { product, name: value.name, filename: value.filename, size, url: value.url, limit, used, update: parseFileUpdate(value.update) };
}

/** A newer version's note; anything else (absent, malformed) is no note. */
function parseFileUpdate(value: unknown): Download['update'] {
  if (!isObject(value) || typeof value.note !== 'string' || typeof value.publishedAt !== 'string') return null;
  const version = count(value.version);
  return version === null ? null : { version, note: value.note, publishedAt: value.publishedAt };
}

function parseLicenceKey(value: unknown): LicenceKey | null {
  if (!isObject(value)) return null;
  const product = productOf(value.product);
  if (!product || !(typeof value.key === 'string' || value.key === null)) return null;
  return { product, key: value.key };
}

function parseLineItem(value: unknown): LineItem | null {
  if (!isObject(value)) return null;
  const quantity = count(value.quantity);
  if (quantity === null) return null;
  const amountTotal = typeof value.amountTotal === 'number' && Number.isFinite(value.amountTotal) ? value.amountTotal : null;
  return { price: stringOrNull(value.price), product: stringOrNull(value.product), description: stringOrNull(value.description), quantity, amountTotal, currency: stringOrNull(value.currency) };
}


/** The shipment as the page may show it: a tracking link only to https (the worker builds it for known carriers). */
function parseShipment(value: unknown): Shipment | null {
  if (!isObject(value)) return null;
  const trackingUrl = stringOrNull(value.trackingUrl);
  return {
    amount: count(value.amount),
    carrier: stringOrNull(value.carrier),
    trackingNumber: stringOrNull(value.trackingNumber),
    trackingUrl: trackingUrl?.startsWith('https://') ? trackingUrl : null,
    shippedAt: stringOrNull(value.shippedAt),
  };
}

/** Each key's label: its product's name, numbered when several units were bought: `Field Notes Pattern Pack (2 of 5)`. */
export function licenceKeyLabels(keys: Pick<LicenceKey, 'product'>[]): string[] {
  const seen = new Map<string, number>();
  return keys.map(({ product }) => {
    const total = keys.filter((entry) => entry.product.id === product.id).length;
    const nth = (seen.get(product.id) ?? 0) + 1;
    seen.set(product.id, nth);
    return total === 1 ? product.name : `${product.name} (${nth} of ${total})`;
  });
}

function safeMoney(amount: number, currency: string): string | null {
  try {
    return formatMoney(amount, currency);
  } catch {
    return null; // unknown currency code
  }
}

function parseSubscriptionAccess(value: unknown): SubscriptionAccess | null {
  if (!isObject(value) || typeof value.allowed !== 'boolean') return null;
  if (!(value.status === null || typeof value.status === 'string')) return null;
  const reason = stringOrNull(value.reason);
  // A refusal always says why: without a reason it is not one the page can show.
  if (!value.allowed && reason === null) return null;
  return { status: value.status, allowed: value.allowed, reason: value.allowed ? null : reason, graceEndsAt: stringOrNull(value.graceEndsAt) };
}

const listOf = <T>(value: unknown, parse: (item: unknown) => T | null): T[] =>
  Array.isArray(value) ? value.map(parse).filter((item): item is T => item !== null) : [];

/** Validates the response body; `null` when it does not look like an order. */
export function parseOrder(body: unknown): Order | null {
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.status !== 'string' || !body.status) {
    return null;
  }
  const product = body.product;
  return {
    id: body.id,
    status: body.status,
    clientReferenceId: stringOrNull(body.clientReferenceId),
    amountTotal: typeof body.amountTotal === 'number' && Number.isFinite(body.amountTotal) ? body.amountTotal : null,
    amountDiscount: count(body.amountDiscount),
    subscription: body.subscription === true,
    currency: stringOrNull(body.currency),
    product:
      isObject(product) && typeof product.id === 'string' && typeof product.name === 'string'
        ? { id: product.id, name: product.name }
        : null,
    fulfilledAt: stringOrNull(body.fulfilledAt),
    deliveryToken: stringOrNull(body.deliveryToken),
    createdAt: stringOrNull(body.createdAt) ?? '',
    updatedAt: stringOrNull(body.updatedAt) ?? '',
    downloads: listOf(body.downloads, parseDownload),
    licenceKeys: listOf(body.licenceKeys, parseLicenceKey),
    subscriptionAccess: parseSubscriptionAccess(body.subscriptionAccess),
    lineItems: listOf(body.lineItems, parseLineItem),
    shipment: parseShipment(body.shipment),
  };
}

export interface PollOptions {
  sessionId: string;
  /** Normalized API base, `''` for same origin. */
  apiBase: string;
  /** Every order received (also non-terminal ones). */
  onOrder: (order: Order) => void;
  /** Called once, when `slowAfterMs` has passed without a terminal status. */
  onSlow?: () => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/**
 * `terminal`: a terminal order was passed to onOrder; `not-found`: the worker said the session is
 * no order, and will not be one (asked once, not for ten minutes); `gave-up`: `giveUpAfterMs` passed.
 */
export type PollOutcome = 'terminal' | 'not-found' | 'gave-up' | 'aborted';

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * One request: the order; `not-found` when the worker says the session is not an order and will
 * not become one (a mistyped id, one Stripe does not know); `null` for a 404 that is worth asking
 * again (the shop awaits the webhook), errors and bad bodies.
 */
async function fetchOrder(options: PollOptions, client: ReturnType<typeof apiClient>): Promise<Order | 'not-found' | null> {
  // A hung request is aborted (then retried); so is everything when the caller aborts.
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, POLLING.requestTimeoutMs);
  options.signal?.addEventListener('abort', abort);
  try {
    // hc puts parameters into the path as they are: encoding keeps an odd id one segment.
    const response = await client.orders[':sessionId'].$get(
      { param: { sessionId: encodeURIComponent(options.sessionId) } },
      { init: { cache: 'no-store', headers: { accept: 'application/json' }, signal: controller.signal } },
    );
    // Read to the end whatever the status: an unread body keeps its request open, and the page never idle.
    const text = await response.text();
    if (response.status === 404) {
      const body: unknown = (() => { try { return JSON.parse(text); } catch { return null; } })();
      return isObject(body) && body.awaitingWebhook === true ? null : 'not-found';
    }
    // A 429 or 5xx (outside the API's type) is retried with backoff.
    if ((response.status as number) !== 200) return null;
    return parseOrder(JSON.parse(text));
  } catch {
    return null; // network error, timeout, non-JSON body: retried with backoff
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
  }
}

/**
 * Polls the order until it reaches a terminal status, or the worker says there is no such order:
 * first request at once, then after 500 ms, growing ×1.5 up to 5 s between requests; gives up after 10 minutes.
 */
export async function pollOrder(options: PollOptions): Promise<PollOutcome> {
  const client = apiClient(options.apiBase, options.fetch);
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const started = now();
  let delay = 0;
  let slowReported = false;

  for (;;) {
    if (delay > 0) await sleep(delay, options.signal);
    if (options.signal?.aborted) return 'aborted';

    const order = await fetchOrder(options, client);
    if (options.signal?.aborted) return 'aborted';
    if (order === 'not-found') return 'not-found';
    if (order) {
      options.onOrder(order);
      if (isTerminalStatus(order.status)) return 'terminal';
    }

    const elapsed = now() - started;
    if (!slowReported && elapsed >= POLLING.slowAfterMs) {
      slowReported = true;
      options.onSlow?.();
    }
    delay = nextDelay(delay);
    if (elapsed + delay > POLLING.giveUpAfterMs) return 'gave-up';
  }
}
