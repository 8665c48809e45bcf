// A fake Stripe API for tests and local runs: an in-memory `node:http` server on
// 127.0.0.1 that answers what stripe-node sends (form-encoded bodies in bracket
// notation, query strings for GET, `Authorization: Bearer sk_test_…`) with
// Stripe-shaped JSON built from Stripe's own example objects
// (tools/stripe-fixtures/fixtures3.json, read at run time), records the
// matching events, delivers them to a webhook signed exactly as Stripe signs, and
// serves a small hosted-checkout stand-in at /pay/:sessionId. See README.md.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

// ─── public API ─────────────────────────────────────────────────────────────

/** A JSON object as Stripe returns it (typed loosely: cast to `Stripe.Product` etc. where useful). */
export type StripeObject = Record<string, any>;

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface FakeStripeOptions {
  /** 0 (default) picks a free port. The server only ever listens on 127.0.0.1. */
  port?: number;
  /** Deliver every recorded event here, signed with `secret` like Stripe does. */
  webhook?: WebhookTarget | null;
  /** Where Stripe's example objects live (default: tools/stripe-fixtures/fixtures3.json, or env STRIPE_FIXTURES). */
  fixturesPath?: string;
  /** Logger for delivery failures and unrecognized URLs (default console.warn; false = silent). */
  log?: ((message: string) => void) | false;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  url: string;
  /** HTTP status of the receiver's answer; null when the request itself failed. */
  status: number | null;
  ok: boolean;
  /** The receiver's answer (first 2 KB) or the network error. */
  responseBody: string | null;
  error: string | null;
  deliveredAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed query (GET/DELETE) or form body (POST), in bracket-notation object form. */
  params: StripeObject;
  status: number;
  stripeVersion: string | null;
  idempotencyKey: string | null;
}

export interface SeedOptions {
  /** Backdate the object (and its event) to this unix time in seconds. */
  created?: number;
}

export interface FakeStripe {
  /** e.g. `http://127.0.0.1:41234` — use as the worker's STRIPE_API_BASE. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** Drop every object, event, delivery, request log and pending 429; keeps the webhook target. */
  reset(): void;
  /** The next `count` /v1 requests answer 429 rate_limit (optionally with `Retry-After`). */
  set429(count: number, options?: { retryAfter?: number }): void;
  setWebhook(webhook: WebhookTarget | null): void;
  /** Every webhook delivery attempt so far, in order. */
  readonly deliveries: WebhookDelivery[];
  /** Every /v1 request so far (newest last, capped at 1000). */
  readonly requests: RecordedRequest[];
  /** Resolves once every queued webhook delivery has been attempted. */
  flushWebhooks(): Promise<void>;

  /** Any stored object by id (a copy), or undefined. */
  get<T = StripeObject>(id: string): T | undefined;
  /** Every stored object of a kind (copies), oldest first. */
  all<T = StripeObject>(kind: ObjectKind): T[];
  /** Recorded events, oldest first. */
  events(): StripeObject[];
  /** Record (and deliver) an arbitrary event, e.g. one Stripe would send that the fake never emits. */
  recordEvent(type: string, object: StripeObject, options?: { previousAttributes?: StripeObject; created?: number }): StripeObject;

  // Seeding: the same code paths as the API (same validation, same events), without HTTP.
  seedProduct(params: ProductSeed, options?: SeedOptions): StripeObject;
  seedPrice(params: PriceSeed, options?: SeedOptions): StripeObject;
  seedCustomer(params?: CustomerSeed, options?: SeedOptions): StripeObject;
  seedSubscription(params: SubscriptionSeed, options?: SeedOptions): StripeObject;
  seedPaymentLink(params: PaymentLinkSeed, options?: SeedOptions): StripeObject;
  seedCheckoutSession(params: CheckoutSessionSeed, options?: SeedOptions): StripeObject;
  /** Product + one-time price + Payment Link per catalog product (metadata.catalog_id = slug). */
  seedCatalog(catalog: { products: CatalogProductSeed[] }, options?: { shopUrl?: string }): SeededCatalogProduct[];

  /** What the hosted page's Pay button does: complete the session, record `checkout.session.completed`, deliver it. */
  completeCheckoutSession(id: string, options?: { email?: string }): Promise<StripeObject>;
  /** Expire an open session and record `checkout.session.expired` (same as POST /v1/checkout/sessions/:id/expire). */
  expireCheckoutSession(id: string): Promise<StripeObject>;
}

export type ObjectKind = 'product' | 'price' | 'customer' | 'subscription' | 'checkout.session' | 'payment_link' | 'payment_intent' | 'event';

export interface ProductSeed {
  name: string;
  id?: string;
  description?: string | null;
  active?: boolean;
  metadata?: Record<string, string>;
  images?: string[];
  default_price_data?: { currency: string; unit_amount: number; recurring?: { interval: string; interval_count?: number } };
}
export interface PriceSeed {
  product: string;
  currency: string;
  unit_amount: number;
  recurring?: { interval: 'day' | 'week' | 'month' | 'year'; interval_count?: number };
  active?: boolean;
  metadata?: Record<string, string>;
  nickname?: string;
  lookup_key?: string;
}
export interface CustomerSeed {
  email?: string;
  name?: string;
  description?: string;
  phone?: string;
  metadata?: Record<string, string>;
}
export interface SubscriptionSeed {
  customer: string;
  items: { price: string; quantity?: number }[];
  metadata?: Record<string, string>;
  cancel_at_period_end?: boolean;
}
export interface PaymentLinkSeed {
  line_items: { price: string; quantity: number }[];
  after_completion?: { type: 'redirect'; redirect: { url: string } } | { type: 'hosted_confirmation' };
  metadata?: Record<string, string>;
}
export interface CheckoutSessionSeed {
  mode: 'payment' | 'subscription' | 'setup';
  line_items?: { price: string; quantity: number }[];
  success_url?: string;
  cancel_url?: string;
  client_reference_id?: string;
  customer?: string;
  customer_email?: string;
  metadata?: Record<string, string>;
}
export interface CatalogProductSeed {
  id: string;
  name: string;
  description?: string;
  price: { amount: number; currency: string };
}
export interface SeededCatalogProduct {
  catalogId: string;
  product: StripeObject;
  price: StripeObject;
  paymentLink: StripeObject;
}

// ─── fixtures and ids ───────────────────────────────────────────────────────

const DEFAULT_API_VERSION = '2026-10-28.endive';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

const newId = {
  product: () => `prod_${randomAlnum(14)}`,
  price: () => `price_1${randomAlnum(23)}`,
  customer: () => `cus_${randomAlnum(14)}`,
  subscription: () => `sub_1${randomAlnum(23)}`,
  subscriptionItem: () => `si_${randomAlnum(14)}`,
  session: () => `cs_test_a1${randomAlnum(56)}`,
  paymentLink: () => `plink_1${randomAlnum(23)}`,
  paymentIntent: () => `pi_3${randomAlnum(23)}`,
  charge: () => `ch_3${randomAlnum(23)}`,
  paymentMethod: () => `pm_1${randomAlnum(23)}`,
  setupIntent: () => `seti_1${randomAlnum(23)}`,
  event: () => `evt_1${randomAlnum(23)}`,
  lineItem: () => `li_1${randomAlnum(23)}`,
  request: () => `req_${randomAlnum(14)}`,
};

const ID_PREFIXES: [string, ObjectKind][] = [
  ['prod_', 'product'],
  ['price_', 'price'],
  ['cus_', 'customer'],
  ['sub_', 'subscription'],
  ['cs_', 'checkout.session'],
  ['plink_', 'payment_link'],
  ['pi_', 'payment_intent'],
  ['evt_', 'event'],
];

const kindOfId = (id: string): ObjectKind | undefined => ID_PREFIXES.find(([prefix]) => id.startsWith(prefix))?.[1];

/** The name Stripe uses in "No such …" messages. */
const KIND_NAMES: Record<ObjectKind, string> = {
  product: 'product',
  price: 'price',
  customer: 'customer',
  subscription: 'subscription',
  'checkout.session': 'checkout.session',
  payment_link: 'payment_link',
  payment_intent: 'payment_intent',
  event: 'event',
};

function defaultFixturesPath(): string {
  if (process.env.STRIPE_FIXTURES) return process.env.STRIPE_FIXTURES;
  // test/fake-stripe/ → the repo's own copy (MIT, see its README)
  return new URL('../../tools/stripe-fixtures/fixtures3.json', import.meta.url).pathname;
}

function loadFixtures(path: string): Record<string, StripeObject> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { resources?: Record<string, StripeObject> };
  if (!parsed.resources) throw new Error(`${path}: no "resources" in Stripe fixtures`);
  return parsed.resources;
}

const now = () => Math.floor(Date.now() / 1000);
const clone = <T>(value: T): T => structuredClone(value);

// ─── errors ─────────────────────────────────────────────────────────────────

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  body() {
    const error: StripeObject = { type: this.type };
    if (this.code) error.code = this.code;
    error.message = this.message;
    if (this.param) error.param = this.param;
    return { error };
  }
}

const invalid = (message: string, param?: string, code?: string) => new StripeApiError(400, 'invalid_request_error', message, code, param);
const missingParam = (param: string) => invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
const noSuch = (kind: ObjectKind, id: string, param = 'id', status = 404) =>
  new StripeApiError(status, 'invalid_request_error', `No such ${KIND_NAMES[kind]}: '${id}'`, 'resource_missing', param);
const unrecognizedUrl = (method: string, path: string) =>
  new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );

// ─── form / query parsing ───────────────────────────────────────────────────

/** Parses `a[b][0][c]=v&expand[]=x` (stripe-node's encoding, and `[]` appends) into nested objects/arrays of strings. */
export function parseBracketParams(text: string): StripeObject {
  const root: StripeObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) {
      root[rawKey] = value;
      continue;
    }
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: StripeObject = root;
    path.forEach((segment, index) => {
      const key = segment === '' ? String(Object.keys(node).length) : segment;
      if (index === path.length - 1) {
        node[key] = value;
      } else {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
        node = node[key];
      }
    });
  }
  return arrayify(root, '') as StripeObject;
}

function arrayify(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const object = value as StripeObject;
  const keys = Object.keys(object);
  for (const k of keys) object[k] = key === 'metadata' ? object[k] : arrayify(object[k], k);
  if (key !== 'metadata' && keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => object[k]);
  }
  return object;
}

// Param coercion: form values are strings; '' means "unset" where Stripe allows it.
function str(params: StripeObject, name: string, param = name): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`Invalid string: ${JSON.stringify(value)}`, param, 'parameter_invalid_string');
  return value;
}
function requiredStr(params: StripeObject, name: string, param = name): string {
  const value = str(params, name, param);
  if (value === undefined || value === '') throw missingParam(param);
  return value;
}
function bool(params: StripeObject, name: string, param = name): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  throw invalid(`Invalid boolean: ${String(value)}`, param, 'parameter_invalid_boolean');
}
function int(params: StripeObject, name: string, param = name): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${String(value)}`, param, 'parameter_invalid_integer');
  return Number(value);
}
function array(params: StripeObject, name: string, param = name): unknown[] | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return [];
  throw invalid(`Invalid array`, param, 'parameter_invalid_array');
}
function obj(params: StripeObject, name: string, param = name): StripeObject | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`Invalid object`, param, 'parameter_invalid_object');
  return value;
}
function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], param: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(`Invalid ${param}: must be one of ${allowed.join(', ')}`, param, 'parameter_invalid_string');
  }
  return value as T;
}
function nullable(value: string | undefined): string | null | undefined {
  return value === '' ? null : value;
}

/** Applies a `metadata` param onto existing metadata with Stripe's rules ('' unsets a key; metadata='' clears). */
function applyMetadata(current: Record<string, string>, params: StripeObject, param = 'metadata'): Record<string, string> {
  const value = params.metadata;
  if (value === undefined) return current;
  if (value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('Invalid hash', param, 'parameter_invalid_object');
  const next = { ...current };
  for (const [key, entry] of Object.entries(value as StripeObject)) {
    if (typeof entry !== 'string') throw invalid(`Invalid value for metadata key ${key}`, `${param}[${key}]`);
    if (key.length > 40) throw invalid(`Metadata keys can have up to 40 characters, but you passed in a key that is ${key.length} characters.`, param);
    if (entry.length > 500) throw invalid(`Metadata values can have up to 500 characters, but you passed in a value that is ${entry.length} characters.`, `${param}[${key}]`);
    if (entry === '') delete next[key];
    else next[key] = entry;
  }
  if (Object.keys(next).length > 50) throw invalid('You can only specify up to 50 keys in metadata.', param);
  return next;
}

function checkUrl(value: string | undefined, param: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('Not a valid URL', param, 'url_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('Not a valid URL', param, 'url_invalid');
  return value;
}

/** Typed seed values → the string form the API handlers take. */
function toParams(value: unknown): any {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(toParams);
  if (typeof value === 'object') {
    const out: StripeObject = {};
    for (const [key, entry] of Object.entries(value as StripeObject)) if (entry !== undefined) out[key] = toParams(entry);
    return out;
  }
  return String(value);
}

/** `previous_attributes`: the top-level fields that changed, with their old values (metadata per key, like Stripe). */
function previousAttributes(before: StripeObject, after: StripeObject, ignore: string[] = []): StripeObject {
  const previous: StripeObject = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (ignore.includes(key)) continue;
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (key === 'metadata' && before.metadata && after.metadata) {
      const meta: StripeObject = {};
      for (const k of new Set([...Object.keys(before.metadata), ...Object.keys(after.metadata)])) {
        if (before.metadata[k] !== after.metadata[k]) meta[k] = before.metadata[k] ?? null;
      }
      previous.metadata = meta;
    } else {
      previous[key] = before[key] === undefined ? null : clone(before[key]);
    }
  }
  return previous;
}

function addInterval(seconds: number, interval: string, count: number): number {
  const date = new Date(seconds * 1000);
  if (interval === 'day') date.setUTCDate(date.getUTCDate() + count);
  else if (interval === 'week') date.setUTCDate(date.getUTCDate() + 7 * count);
  else if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + count);
  else date.setUTCFullYear(date.getUTCFullYear() + count);
  return Math.floor(date.getTime() / 1000);
}

function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function formatMoney(amount: number | null, currency: string | null): string {
  if (amount === null || currency === null) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}

// ─── the fake ───────────────────────────────────────────────────────────────

interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
  apiVersion: string | null;
  created?: number;
}

interface InternalLineItem {
  id: string;
  price: string;
  quantity: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  handler: (ctx: RequestContext, params: StripeObject, match: string[]) => unknown;
}

const LIST_URLS: Partial<Record<ObjectKind, string>> = {
  product: '/v1/products',
  price: '/v1/prices',
  customer: '/v1/customers',
  subscription: '/v1/subscriptions',
  'checkout.session': '/v1/checkout/sessions',
  payment_link: '/v1/payment_links',
  payment_intent: '/v1/payment_intents',
  event: '/v1/events',
};

class FakeStripeServer {
  readonly fixtures: Record<string, StripeObject>;
  private readonly log: (message: string) => void;
  private server!: http.Server;
  baseUrl = '';

  private store = new Map<ObjectKind, Map<string, StripeObject>>();
  private seq = new Map<string, number>();
  private hiddenCreated = new Map<string, number>();
  private nextSeq = 0;
  private deletedCustomers = new Set<string>();
  private lineItems = new Map<string, InternalLineItem[]>();
  /** Customer-portal sessions (billing_portal.session), by id; only their own page reads them. */
  private portalSessions = new Map<string, StripeObject>();
  private sessionExtras = new Map<string, { paymentIntentMetadata: Record<string, string>; subscriptionMetadata: Record<string, string>; customerCreation: string | null }>();
  private idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private rateLimit = { remaining: 0, retryAfter: undefined as number | undefined };
  private webhook: WebhookTarget | null = null;
  private deliveryChain: Promise<void> = Promise.resolve();
  private generation = 0;
  private closed = false;
  private readonly inflight = new Set<AbortController>();
  deliveries: WebhookDelivery[] = [];
  requests: RecordedRequest[] = [];
  private lastApiVersion: string | null = null;

  constructor(options: FakeStripeOptions) {
    this.fixtures = loadFixtures(options.fixturesPath ?? defaultFixturesPath());
    this.log = options.log === false ? () => {} : (options.log ?? ((message) => console.warn(`[fake-stripe] ${message}`)));
    if (options.webhook) this.setWebhook(options.webhook);
    this.reset();
  }

  // ── lifecycle ──

  async listen(port: number): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) this.sendJson(res, 500, { error: { type: 'api_error', message: 'Fake Stripe internal error' } });
        else res.end();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.inflight) controller.abort();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.deliveryChain.catch(() => {});
  }

  reset(): void {
    this.store = new Map(
      (['product', 'price', 'customer', 'subscription', 'checkout.session', 'payment_link', 'payment_intent', 'event'] as ObjectKind[]).map((kind) => [kind, new Map()]),
    );
    this.seq.clear();
    this.hiddenCreated.clear();
    this.deletedCustomers.clear();
    this.lineItems.clear();
    this.sessionExtras.clear();
    this.portalSessions.clear();
    this.idempotency.clear();
    this.rateLimit = { remaining: 0, retryAfter: undefined };
    this.deliveries = [];
    this.requests = [];
    this.generation++;
  }

  set429(count: number, options: { retryAfter?: number } = {}): void {
    this.rateLimit = { remaining: Math.max(0, Math.floor(count)), retryAfter: options.retryAfter };
  }

  setWebhook(webhook: WebhookTarget | null): void {
    if (webhook) {
      if (!isLoopback(webhook.url)) throw new Error(`fake Stripe only delivers webhooks to loopback URLs, not ${webhook.url}`);
      if (!webhook.secret) throw new Error('webhook secret required');
    }
    this.webhook = webhook ? { url: webhook.url, secret: webhook.secret } : null;
  }

  async flushWebhooks(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.deliveryChain;
      await chain;
    } while (chain !== this.deliveryChain);
  }

  // ── storage ──

  private map(kind: ObjectKind): Map<string, StripeObject> {
    return this.store.get(kind)!;
  }

  private put(kind: ObjectKind, object: StripeObject): StripeObject {
    if (!this.seq.has(object.id)) this.seq.set(object.id, this.nextSeq++);
    this.map(kind).set(object.id, object);
    return object;
  }

  private find(kind: ObjectKind, id: string): StripeObject | undefined {
    return this.map(kind).get(id);
  }

  private must(kind: ObjectKind, id: string, param = 'id', status = 404): StripeObject {
    const object = this.find(kind, id);
    if (!object) throw noSuch(kind, id, param, status);
    return object;
  }

  get(id: string): StripeObject | undefined {
    const kind = kindOfId(id);
    if (!kind) return undefined;
    const object = this.find(kind, id);
    if (object) return clone(object);
    if (kind === 'customer' && this.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true };
    return undefined;
  }

  all(kind: ObjectKind): StripeObject[] {
    return [...this.map(kind).values()].sort((a, b) => this.seqOf(a) - this.seqOf(b)).map(clone);
  }

  private seqOf(object: StripeObject): number {
    return this.seq.get(object.id) ?? 0;
  }

  private fixture(name: string): StripeObject {
    const fixture = this.fixtures[name];
    if (!fixture) throw new Error(`no Stripe fixture for ${name}`);
    return clone(fixture);
  }

  // ── events and webhooks ──

  recordEvent(type: string, object: StripeObject, ctx: RequestContext, previous?: StripeObject): StripeObject {
    const event: StripeObject = {
      ...this.fixture('event'),
      id: newId.event(),
      object: 'event',
      api_version: ctx.apiVersion ?? this.lastApiVersion ?? DEFAULT_API_VERSION,
      created: ctx.created ?? now(),
      data: previous ? { object: clone(object), previous_attributes: clone(previous) } : { object: clone(object) },
      livemode: false,
      pending_webhooks: this.webhook ? 1 : 0,
      request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
      type,
    };
    this.put('event', event);
    if (this.webhook) this.enqueueDelivery(event, this.webhook);
    return clone(event);
  }

  private enqueueDelivery(event: StripeObject, target: WebhookTarget): Promise<void> {
    const generation = this.generation;
    const payload = JSON.stringify(event, null, 2);
    const delivery = this.deliveryChain.then(() => (this.closed || generation !== this.generation ? undefined : this.deliver(event, payload, target)));
    this.deliveryChain = delivery.catch(() => {});
    return this.deliveryChain;
  }

  private async deliver(event: StripeObject, payload: string, target: WebhookTarget): Promise<void> {
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), 15_000);
    const record: WebhookDelivery = { eventId: event.id, type: event.type, url: target.url, status: null, ok: false, responseBody: null, error: null, deliveredAt: Date.now() };
    try {
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: target.secret });
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'cache-control': 'no-cache',
          accept: '*/*; q=0.5, application/xml',
        },
        body: payload,
        signal: controller.signal,
      });
      record.status = response.status;
      record.ok = response.ok;
      record.responseBody = (await response.text()).slice(0, 2048);
      if (!response.ok) this.log(`webhook ${event.type} ${event.id} → ${target.url} answered ${response.status}: ${record.responseBody.slice(0, 200)}`);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      this.log(`webhook ${event.type} ${event.id} → ${target.url} failed: ${record.error}`);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    this.deliveries.push(record);
  }

  // ── lists, expansion ──

  private createdOf(object: StripeObject): number {
    return object.created ?? this.hiddenCreated.get(object.id) ?? 0;
  }

  private compareNewestFirst = (a: StripeObject, b: StripeObject) => this.createdOf(b) - this.createdOf(a) || this.seqOf(b) - this.seqOf(a);

  private createdFilter(params: StripeObject): (object: StripeObject) => boolean {
    const created = params.created;
    if (created === undefined) return () => true;
    if (typeof created === 'string') {
      const exact = int(params, 'created')!;
      return (o) => this.createdOf(o) === exact;
    }
    const bounds = obj(params, 'created')!;
    const gt = int(bounds, 'gt', 'created[gt]');
    const gte = int(bounds, 'gte', 'created[gte]');
    const lt = int(bounds, 'lt', 'created[lt]');
    const lte = int(bounds, 'lte', 'created[lte]');
    return (o) => {
      const at = this.createdOf(o);
      return (gt === undefined || at > gt) && (gte === undefined || at >= gte) && (lt === undefined || at < lt) && (lte === undefined || at <= lte);
    };
  }

  /** Stripe list pagination over an already ordered list; the cursor may be an object the filter excludes. */
  private paginate(ordered: StripeObject[], filter: (o: StripeObject) => boolean, params: StripeObject, url: string, cursorKind: ObjectKind | null) {
    const limit = int(params, 'limit') ?? 10;
    if (limit < 1) throw invalid('This value must be greater than or equal to 1.', 'limit', 'parameter_invalid_integer');
    if (limit > 100) throw invalid('This value must be less than or equal to 100.', 'limit', 'parameter_invalid_integer');
    const startingAfter = nullable(str(params, 'starting_after'));
    const endingBefore = nullable(str(params, 'ending_before'));
    if (startingAfter && endingBefore) throw invalid('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
    const cursorIndex = (id: string, param: string) => {
      const index = ordered.findIndex((o) => o.id === id);
      if (index === -1) {
        if (cursorKind) throw noSuch(cursorKind, id, param, 400);
        throw invalid(`No such object: '${id}'`, param, 'resource_missing');
      }
      return index;
    };
    let data: StripeObject[];
    let hasMore: boolean;
    if (endingBefore) {
      const before = ordered.slice(0, cursorIndex(endingBefore, 'ending_before')).filter(filter);
      data = before.slice(Math.max(0, before.length - limit));
      hasMore = before.length > limit;
    } else {
      const start = startingAfter ? cursorIndex(startingAfter, 'starting_after') + 1 : 0;
      const rest = ordered.slice(start).filter(filter);
      data = rest.slice(0, limit);
      hasMore = rest.length > limit;
    }
    return { object: 'list', data: data.map(clone), has_more: hasMore, url };
  }

  private listKind(kind: ObjectKind, params: StripeObject, filter: (o: StripeObject) => boolean) {
    const created = this.createdFilter(params);
    const ordered = [...this.map(kind).values()].sort(this.compareNewestFirst);
    return this.paginate(ordered, (o) => created(o) && filter(o), params, LIST_URLS[kind]!, kind);
  }

  private expandList(params: StripeObject): string[] {
    const expand = params.expand;
    if (expand === undefined || expand === '') return [];
    const list = Array.isArray(expand) ? expand : typeof expand === 'object' ? Object.values(expand) : [expand];
    if (!list.every((e) => typeof e === 'string')) throw invalid('Invalid array', 'expand');
    return list as string[];
  }

  /** Applies `expand[]` paths to a response object (a copy). */
  private expand<T>(response: T, params: StripeObject): T {
    const paths = this.expandList(params);
    for (const path of paths) this.expandPath(response as StripeObject, path.split('.'), path);
    return response;
  }

  private expandPath(target: StripeObject, parts: string[], full: string): void {
    if (target === null || typeof target !== 'object') return;
    const [head, ...rest] = parts;
    if (!head) return;
    if (target.object === 'list' && head === 'data') {
      for (const item of target.data as StripeObject[]) this.expandPath(item, rest, full);
      return;
    }
    if (head === 'line_items' && (target.object === 'checkout.session' || target.object === 'payment_link')) {
      if (!target.line_items) target.line_items = this.lineItemList(target.id, target.object === 'checkout.session' ? 'checkout.session' : 'payment_link', {});
      if (rest.length) this.expandPath(target.line_items, rest, full);
      return;
    }
    if (!(head in target)) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
    let value = target[head];
    if (typeof value === 'string') {
      const kind = kindOfId(value);
      const found = kind ? this.get(value) : undefined;
      if (!kind) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
      if (found) target[head] = value = found;
    }
    if (rest.length && value && typeof value === 'object') this.expandPath(value, rest, full);
  }

  // ── products ──

  createProduct(params: StripeObject, ctx: RequestContext): StripeObject {
    const name = requiredStr(params, 'name');
    const id = str(params, 'id');
    if (id !== undefined && this.find('product', id)) throw invalid('Product already exists.', 'id', 'resource_already_exists');
    const created = ctx.created ?? now();
    const product: StripeObject = {
      ...this.fixture('product'),
      id: id || newId.product(),
      object: 'product',
      active: bool(params, 'active') ?? true,
      created,
      updated: created,
      default_price: null,
      description: nullable(str(params, 'description')) ?? null,
      images: (array(params, 'images') ?? []).map(String),
      livemode: false,
      marketing_features: [],
      metadata: applyMetadata({}, params),
      name,
      package_dimensions: null,
      shippable: bool(params, 'shippable') ?? null,
      statement_descriptor: nullable(str(params, 'statement_descriptor')) ?? null,
      tax_code: nullable(str(params, 'tax_code')) ?? null,
      type: 'service',
      unit_label: nullable(str(params, 'unit_label')) ?? null,
      url: nullable(checkUrl(str(params, 'url'), 'url')) ?? null,
    };
    const defaultPriceData = obj(params, 'default_price_data');
    this.put('product', product);
    this.recordEvent('product.created', product, ctx);
    if (defaultPriceData) {
      const price = this.createPrice({ ...defaultPriceData, product: product.id }, ctx, 'default_price_data');
      product.default_price = price.id;
    }
    return product;
  }

  updateProduct(id: string, params: StripeObject, ctx: RequestContext): StripeObject {
    const product = this.must('product', id);
    const before = clone(product);
    const name = str(params, 'name');
    if (name === '') throw invalid('You passed an empty string for \'name\'. We assume empty values are an attempt to unset a parameter; however \'name\' cannot be unset. You should remove \'name\' from your request or supply a non-empty value.', 'name', 'parameter_invalid_empty');
    if (name !== undefined) product.name = name;
    const description = str(params, 'description');
    if (description !== undefined) product.description = nullable(description);
    const active = bool(params, 'active');
    if (active !== undefined) product.active = active;
    const images = params.images === '' ? [] : array(params, 'images');
    if (images !== undefined) product.images = images.map(String);
    const url = str(params, 'url');
    if (url !== undefined) product.url = nullable(checkUrl(url || undefined, 'url') ?? '');
    const shippable = bool(params, 'shippable');
    if (shippable !== undefined) product.shippable = shippable;
    for (const field of ['statement_descriptor', 'tax_code', 'unit_label']) {
      const value = str(params, field);
      if (value !== undefined) product[field] = nullable(value);
    }
    const defaultPrice = str(params, 'default_price');
    if (defaultPrice !== undefined) {
      if (defaultPrice === '') product.default_price = null;
      else {
        const price = this.must('price', defaultPrice, 'default_price', 400);
        if (price.product !== product.id) throw invalid(`The price \`${defaultPrice}\` does not belong to product \`${product.id}\`.`, 'default_price');
        if (!price.active) throw invalid('The default price must be active.', 'default_price');
        product.default_price = defaultPrice;
      }
    }
    product.metadata = applyMetadata(product.metadata ?? {}, params);
    const previous = previousAttributes(before, product, ['updated']);
    if (Object.keys(previous).length) {
      product.updated = Math.max(now(), product.created);
      this.recordEvent('product.updated', product, ctx, { ...previous, updated: before.updated });
    }
    return product;
  }

  deleteProduct(id: string, ctx: RequestContext): StripeObject {
    const product = this.must('product', id);
    if ([...this.map('price').values()].some((p) => p.product === id)) {
      throw invalid('This product cannot be deleted because it has one or more user-created prices.');
    }
    this.map('product').delete(id);
    this.recordEvent('product.deleted', product, ctx);
    return { id, object: 'product', deleted: true };
  }

  listProducts(params: StripeObject) {
    const active = bool(params, 'active');
    const ids = array(params, 'ids');
    const shippable = bool(params, 'shippable');
    const url = str(params, 'url');
    return this.listKind('product', params, (p) =>
      (active === undefined || p.active === active) && (!ids || ids.includes(p.id)) && (shippable === undefined || p.shippable === shippable) && (url === undefined || p.url === url),
    );
  }

  // ── prices ──

  createPrice(params: StripeObject, ctx: RequestContext, prefix = ''): StripeObject {
    const p = (name: string) => (prefix ? `${prefix}[${name}]` : name);
    const currency = requiredStr(params, 'currency', p('currency')).toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}. Stripe currently supports these currencies: usd, eur, gbp, …`, p('currency'), 'parameter_invalid_string');
    let productId = str(params, 'product', p('product'));
    const productData = obj(params, 'product_data', p('product_data'));
    if (productId && productData) throw invalid('You may only specify one of these parameters: product, product_data.', p('product'));
    if (!productId && !productData) throw missingParam(p('product'));
    if (productId) this.must('product', productId, p('product'), 400);
    else productId = this.createProduct(productData!, ctx).id;
    let unitAmount = int(params, 'unit_amount', p('unit_amount'));
    const unitAmountDecimal = str(params, 'unit_amount_decimal', p('unit_amount_decimal'));
    if (unitAmount === undefined && unitAmountDecimal !== undefined) unitAmount = Math.round(Number(unitAmountDecimal));
    if (unitAmount === undefined) throw missingParam(p('unit_amount'));
    if (unitAmount < 0) throw invalid('This value must be greater than or equal to 0.', p('unit_amount'), 'parameter_invalid_integer');
    const recurringParams = obj(params, 'recurring', p('recurring'));
    let recurring: StripeObject | null = null;
    if (recurringParams) {
      const interval = oneOf(requiredStr(recurringParams, 'interval', p('recurring[interval]')), ['day', 'week', 'month', 'year'] as const, p('recurring[interval]'))!;
      recurring = {
        interval,
        interval_count: int(recurringParams, 'interval_count', p('recurring[interval_count]')) ?? 1,
        meter: null,
        trial_period_days: int(recurringParams, 'trial_period_days') ?? null,
        usage_type: str(recurringParams, 'usage_type') ?? 'licensed',
      };
    }
    const created = ctx.created ?? now();
    const price: StripeObject = {
      ...this.fixture('price'),
      id: newId.price(),
      object: 'price',
      active: bool(params, 'active', p('active')) ?? true,
      billing_scheme: 'per_unit',
      created,
      currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: nullable(str(params, 'lookup_key')) ?? null,
      metadata: applyMetadata({}, params, p('metadata')),
      nickname: nullable(str(params, 'nickname')) ?? null,
      product: productId,
      recurring,
      tax_behavior: str(params, 'tax_behavior', p('tax_behavior')) ?? 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: recurring ? 'recurring' : 'one_time',
      unit_amount: unitAmount,
      unit_amount_decimal: String(unitAmount),
    };
    this.put('price', price);
    this.recordEvent('price.created', price, ctx);
    return price;
  }

  updatePrice(id: string, params: StripeObject, ctx: RequestContext): StripeObject {
    const price = this.must('price', id);
    const before = clone(price);
    const active = bool(params, 'active');
    if (active !== undefined) price.active = active;
    for (const field of ['nickname', 'lookup_key']) {
      const value = str(params, field);
      if (value !== undefined) price[field] = nullable(value);
    }
    const taxBehavior = str(params, 'tax_behavior');
    if (taxBehavior !== undefined) price.tax_behavior = taxBehavior;
    price.metadata = applyMetadata(price.metadata ?? {}, params);
    const previous = previousAttributes(before, price);
    if (Object.keys(previous).length) this.recordEvent('price.updated', price, ctx, previous);
    return price;
  }

  listPrices(params: StripeObject) {
    const active = bool(params, 'active');
    const product = str(params, 'product');
    const type = oneOf(str(params, 'type'), ['one_time', 'recurring'] as const, 'type');
    const currency = str(params, 'currency')?.toLowerCase();
    const lookupKeys = array(params, 'lookup_keys');
    const recurring = obj(params, 'recurring');
    const interval = recurring ? str(recurring, 'interval', 'recurring[interval]') : undefined;
    return this.listKind('price', params, (p) =>
      (active === undefined || p.active === active) &&
      (product === undefined || p.product === product) &&
      (type === undefined || p.type === type) &&
      (currency === undefined || p.currency === currency) &&
      (!lookupKeys || lookupKeys.includes(p.lookup_key)) &&
      (interval === undefined || p.recurring?.interval === interval),
    );
  }

  // ── customers ──

  createCustomer(params: StripeObject, ctx: RequestContext): StripeObject {
    const created = ctx.created ?? now();
    const customer: StripeObject = {
      ...this.fixture('customer'),
      id: newId.customer(),
      object: 'customer',
      address: obj(params, 'address') ?? null,
      balance: int(params, 'balance') ?? 0,
      created,
      currency: null,
      default_source: null,
      delinquent: false,
      description: nullable(str(params, 'description')) ?? null,
      discount: null,
      email: nullable(str(params, 'email')) ?? null,
      invoice_prefix: randomAlnum(8).toUpperCase(),
      livemode: false,
      metadata: applyMetadata({}, params),
      name: nullable(str(params, 'name')) ?? null,
      next_invoice_sequence: 1,
      phone: nullable(str(params, 'phone')) ?? null,
      preferred_locales: (array(params, 'preferred_locales') ?? []).map(String),
      shipping: obj(params, 'shipping') ?? null,
      tax_exempt: str(params, 'tax_exempt') ?? 'none',
      test_clock: null,
    };
    this.put('customer', customer);
    this.recordEvent('customer.created', customer, ctx);
    return customer;
  }

  retrieveCustomer(id: string): StripeObject {
    if (this.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true };
    return this.must('customer', id);
  }

  updateCustomer(id: string, params: StripeObject, ctx: RequestContext): StripeObject {
    if (this.deletedCustomers.has(id)) throw noSuch('customer', id);
    const customer = this.must('customer', id);
    const before = clone(customer);
    for (const field of ['email', 'name', 'description', 'phone']) {
      const value = str(params, field);
      if (value !== undefined) customer[field] = nullable(value);
    }
    for (const field of ['address', 'shipping']) {
      if (params[field] === '') customer[field] = null;
      else if (params[field] !== undefined) customer[field] = obj(params, field);
    }
    const preferredLocales = array(params, 'preferred_locales');
    if (preferredLocales) customer.preferred_locales = preferredLocales.map(String);
    customer.metadata = applyMetadata(customer.metadata ?? {}, params);
    const previous = previousAttributes(before, customer);
    if (Object.keys(previous).length) this.recordEvent('customer.updated', customer, ctx, previous);
    return customer;
  }

  deleteCustomer(id: string, ctx: RequestContext): StripeObject {
    const customer = this.must('customer', id);
    for (const subscription of this.map('subscription').values()) {
      if (subscription.customer === id && subscription.status !== 'canceled') this.cancelSubscription(subscription.id, {}, ctx);
    }
    this.map('customer').delete(id);
    this.deletedCustomers.add(id);
    this.recordEvent('customer.deleted', customer, ctx);
    return { id, object: 'customer', deleted: true };
  }

  listCustomers(params: StripeObject) {
    const email = str(params, 'email');
    return this.listKind('customer', params, (c) => email === undefined || c.email === email);
  }

  // ── subscriptions ──

  private subscriptionItem(subscriptionId: string, price: StripeObject, quantity: number, created: number, metadata: Record<string, string> = {}): StripeObject {
    const recurring = price.recurring as StripeObject;
    return {
      ...this.fixture('subscription_item'),
      id: newId.subscriptionItem(),
      object: 'subscription_item',
      billing_thresholds: null,
      created,
      current_period_start: created,
      current_period_end: addInterval(created, recurring.interval, recurring.interval_count ?? 1),
      discounts: [],
      metadata,
      plan: {
        id: price.id,
        object: 'plan',
        active: price.active,
        amount: price.unit_amount,
        amount_decimal: price.unit_amount_decimal,
        billing_scheme: 'per_unit',
        created: price.created,
        currency: price.currency,
        interval: recurring.interval,
        interval_count: recurring.interval_count ?? 1,
        livemode: false,
        metadata: clone(price.metadata),
        meter: null,
        nickname: price.nickname,
        product: price.product,
        tiers_mode: null,
        transform_usage: null,
        trial_period_days: null,
        usage_type: recurring.usage_type ?? 'licensed',
      },
      price: clone(price),
      quantity,
      subscription: subscriptionId,
      tax_rates: [],
    };
  }

  private recurringPrice(id: string, param: string, allowInactive = false): StripeObject {
    const price = this.must('price', id, param, 400);
    if (price.type !== 'recurring') {
      throw invalid(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, param);
    }
    if (!price.active && !allowInactive) throw invalid('The price specified is inactive. This field only accepts active prices.', param);
    return price;
  }

  createSubscription(params: StripeObject, ctx: RequestContext, extra: { metadata?: Record<string, string>; fromCheckout?: boolean } = {}): StripeObject {
    const customerId = requiredStr(params, 'customer');
    if (this.deletedCustomers.has(customerId)) throw noSuch('customer', customerId, 'customer', 400);
    this.must('customer', customerId, 'customer', 400);
    const items = array(params, 'items');
    if (!items || items.length === 0) throw missingParam('items');
    const id = newId.subscription();
    const created = ctx.created ?? now();
    const subscriptionItems = items.map((raw, index) => {
      const item = raw as StripeObject;
      const price = this.recurringPrice(requiredStr(item, 'price', `items[${index}][price]`), `items[${index}][price]`, extra.fromCheckout);
      const quantity = int(item, 'quantity', `items[${index}][quantity]`) ?? 1;
      return this.subscriptionItem(id, price, quantity, created, applyMetadata({}, item, `items[${index}][metadata]`));
    });
    const currencies = new Set(subscriptionItems.map((i) => i.price.currency));
    if (currencies.size > 1) throw invalid('The currency of all prices in a subscription must match.', 'items');
    const cancelAtPeriodEnd = bool(params, 'cancel_at_period_end') ?? false;
    const periodEnd = subscriptionItems[0]!.current_period_end as number;
    const subscription: StripeObject = {
      ...this.fixture('subscription'),
      id,
      object: 'subscription',
      billing_cycle_anchor: created,
      billing_cycle_anchor_config: null,
      billing_schedules: [],
      billing_thresholds: null,
      cancel_at: cancelAtPeriodEnd ? periodEnd : null,
      cancel_at_period_end: cancelAtPeriodEnd,
      canceled_at: cancelAtPeriodEnd ? created : null,
      cancellation_details: { comment: null, feedback: null, reason: cancelAtPeriodEnd ? 'cancellation_requested' : null },
      created,
      currency: subscriptionItems[0]!.price.currency,
      customer: customerId,
      description: nullable(str(params, 'description')) ?? null,
      ended_at: null,
      items: { object: 'list', data: subscriptionItems, has_more: false, total_count: subscriptionItems.length, url: `/v1/subscription_items?subscription=${id}` },
      latest_invoice: null,
      livemode: false,
      metadata: { ...(extra.metadata ?? {}), ...applyMetadata({}, params) },
      next_pending_invoice_item_invoice: null,
      pause_collection: null,
      payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
      pending_invoice_item_interval: null,
      pending_update: null,
      start_date: created,
      status: 'active',
      transfer_data: null,
      trial_end: null,
      trial_start: null,
    };
    this.put('subscription', subscription);
    this.recordEvent('customer.subscription.created', subscription, ctx);
    return subscription;
  }

  updateSubscription(id: string, params: StripeObject, ctx: RequestContext): StripeObject {
    const subscription = this.must('subscription', id);
    const before = clone(subscription);
    if (subscription.status === 'canceled') {
      const allowed = new Set(['metadata', 'cancellation_details', 'expand']);
      if (Object.keys(params).some((k) => !allowed.has(k))) throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
    }
    const at = now();
    const cancelAtPeriodEnd = bool(params, 'cancel_at_period_end');
    if (cancelAtPeriodEnd !== undefined) {
      subscription.cancel_at_period_end = cancelAtPeriodEnd;
      subscription.cancel_at = cancelAtPeriodEnd ? subscription.items.data[0]?.current_period_end ?? null : null;
      subscription.canceled_at = cancelAtPeriodEnd ? at : null;
      subscription.cancellation_details = { ...subscription.cancellation_details, reason: cancelAtPeriodEnd ? 'cancellation_requested' : null };
    }
    const description = str(params, 'description');
    if (description !== undefined) subscription.description = nullable(description);
    const items = array(params, 'items');
    if (items) {
      const data = subscription.items.data as StripeObject[];
      items.forEach((raw, index) => {
        const item = raw as StripeObject;
        const param = (name: string) => `items[${index}][${name}]`;
        const itemId = str(item, 'id', param('id'));
        const existing = itemId ? data.find((d) => d.id === itemId) : undefined;
        if (itemId && !existing) throw invalid(`No such subscription item: '${itemId}'`, param('id'), 'resource_missing');
        if (existing && bool(item, 'deleted', param('deleted'))) {
          data.splice(data.indexOf(existing), 1);
          return;
        }
        const priceId = str(item, 'price', param('price'));
        const quantity = int(item, 'quantity', param('quantity'));
        if (existing) {
          if (priceId) {
            const price = this.recurringPrice(priceId, param('price'));
            const replacement = this.subscriptionItem(id, price, quantity ?? existing.quantity, existing.created, existing.metadata);
            replacement.id = existing.id;
            replacement.current_period_start = existing.current_period_start;
            replacement.current_period_end = existing.current_period_end;
            data[data.indexOf(existing)] = replacement;
          } else if (quantity !== undefined) existing.quantity = quantity;
          if (item.metadata !== undefined) (data.find((d) => d.id === existing.id) as StripeObject).metadata = applyMetadata(existing.metadata, item, param('metadata'));
        } else {
          if (!priceId) throw missingParam(param('price'));
          data.push(this.subscriptionItem(id, this.recurringPrice(priceId, param('price')), quantity ?? 1, at, applyMetadata({}, item, param('metadata'))));
        }
      });
      if (data.length === 0) throw invalid('A subscription must have at least one active plan.', 'items');
      subscription.items.total_count = data.length;
    }
    subscription.metadata = applyMetadata(subscription.metadata ?? {}, params);
    const previous = previousAttributes(before, subscription);
    if (Object.keys(previous).length) this.recordEvent('customer.subscription.updated', subscription, ctx, previous);
    return subscription;
  }

  cancelSubscription(id: string, params: StripeObject, ctx: RequestContext): StripeObject {
    const subscription = this.must('subscription', id);
    if (subscription.status === 'canceled') throw invalid(`This subscription has already been canceled.`);
    const at = now();
    subscription.status = 'canceled';
    subscription.canceled_at = at;
    subscription.ended_at = at;
    subscription.cancel_at = null;
    subscription.cancel_at_period_end = false;
    const details = obj(params, 'cancellation_details');
    subscription.cancellation_details = {
      comment: details ? nullable(str(details, 'comment')) ?? null : null,
      feedback: details ? nullable(str(details, 'feedback')) ?? null : null,
      reason: 'cancellation_requested',
    };
    this.recordEvent('customer.subscription.deleted', subscription, ctx);
    return subscription;
  }

  listSubscriptions(params: StripeObject) {
    const status = oneOf(
      str(params, 'status'),
      ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] as const,
      'status',
    );
    const customer = str(params, 'customer');
    const price = str(params, 'price');
    return this.listKind('subscription', params, (s) => {
      const statusOk =
        status === 'all' ? true : status === 'ended' ? s.status === 'canceled' || s.status === 'incomplete_expired' : status ? s.status === status : s.status !== 'canceled' && s.status !== 'incomplete_expired';
      return statusOk && (customer === undefined || s.customer === customer) && (price === undefined || (s.items.data as StripeObject[]).some((i) => i.price.id === price));
    });
  }

  // ── line items (checkout sessions and payment links) ──

  /** Validates `line_items[i][price|price_data|quantity]` and returns the internal items with their prices. */
  private resolveLineItems(raw: unknown[] | undefined, ctx: RequestContext): { items: InternalLineItem[]; prices: StripeObject[] } {
    const items: InternalLineItem[] = [];
    const prices: StripeObject[] = [];
    (raw ?? []).forEach((entry, index) => {
      if (typeof entry !== 'object' || entry === null) throw invalid('Invalid object', `line_items[${index}]`);
      const item = entry as StripeObject;
      const param = (name: string) => `line_items[${index}][${name}]`;
      let price: StripeObject;
      const priceId = str(item, 'price', param('price'));
      const priceData = obj(item, 'price_data', param('price_data'));
      if (priceId) {
        const found = this.find('price', priceId);
        if (!found) throw noSuch('price', priceId, param('price'), 400);
        if (!found.active) throw invalid('The price specified is inactive. This field only accepts active prices.', param('price'));
        const product = this.find('product', found.product);
        if (product && !product.active) throw invalid(`The price specified is for a product that is not active (\`${product.id}\`).`, param('price'));
        price = found;
      } else if (priceData) {
        price = this.createPrice({ ...priceData, active: 'false' }, { ...ctx }, param('price_data'));
      } else {
        throw invalid(`You must specify either \`price\` or \`price_data\` in \`line_items[${index}]\`.`, param('price'));
      }
      const quantity = int(item, 'quantity', param('quantity'));
      if (quantity === undefined) throw invalid(`Quantity is required. Add \`quantity\` to \`line_items[${index}]\``, param('quantity'), 'parameter_missing');
      if (quantity < 1) throw invalid('This value must be greater than or equal to 1.', param('quantity'), 'parameter_invalid_integer');
      items.push({ id: newId.lineItem(), price: price.id, quantity });
      prices.push(price);
    });
    const currencies = new Set(prices.map((p) => p.currency));
    if (currencies.size > 1) throw invalid(`All prices on a Checkout Session must have the same currency. You passed: ${[...currencies].join(', ')}.`, 'line_items');
    return { items, prices };
  }

  private lineItemObject(item: InternalLineItem): StripeObject {
    const price = this.find('price', item.price)!;
    const product = this.find('product', price.product);
    const amount = (price.unit_amount ?? 0) * item.quantity;
    return {
      id: item.id,
      object: 'item',
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: product?.name ?? price.nickname ?? null,
      discounts: [],
      metadata: {},
      price: clone(price),
      quantity: item.quantity,
      taxes: [],
    };
  }

  private lineItemList(ownerId: string, kind: 'checkout.session' | 'payment_link', params: StripeObject) {
    const items = (this.lineItems.get(ownerId) ?? []).map((i) => this.lineItemObject(i));
    const url = kind === 'checkout.session' ? `/v1/checkout/sessions/${ownerId}/line_items` : `/v1/payment_links/${ownerId}/line_items`;
    return this.paginate(items, () => true, params, url, null);
  }

  listLineItems(ownerId: string, kind: 'checkout.session' | 'payment_link', params: StripeObject) {
    this.must(kind, ownerId);
    return this.lineItemList(ownerId, kind, params);
  }

  // ── checkout sessions ──

  createCheckoutSession(params: StripeObject, ctx: RequestContext, from: { paymentLink?: StripeObject } = {}): StripeObject {
    const mode = oneOf(requiredStr(params, 'mode'), ['payment', 'subscription', 'setup'] as const, 'mode')!;
    const rawItems = array(params, 'line_items');
    if (mode !== 'setup' && (!rawItems || rawItems.length === 0)) throw missingParam('line_items');
    if (mode === 'setup' && rawItems?.length) throw invalid('You cannot pass `line_items` in `setup` mode.', 'line_items');
    const { items, prices } = this.resolveLineItems(rawItems, ctx);
    if (mode === 'payment') {
      const recurringIndex = prices.findIndex((p) => p.type === 'recurring');
      if (recurringIndex !== -1) {
        throw invalid(
          'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
          `line_items[${recurringIndex}][price]`,
        );
      }
    }
    if (mode === 'subscription' && !prices.some((p) => p.type === 'recurring')) {
      throw invalid('You must provide at least one recurring price in `subscription` mode when using prices.', 'line_items');
    }
    const customerId = str(params, 'customer');
    const customerEmail = str(params, 'customer_email');
    if (customerId && customerEmail) throw invalid('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
    if (customerId) {
      if (this.deletedCustomers.has(customerId)) throw noSuch('customer', customerId, 'customer', 400);
      this.must('customer', customerId, 'customer', 400);
    }
    const clientReferenceId = str(params, 'client_reference_id');
    if (clientReferenceId !== undefined && clientReferenceId.length > 200) throw invalid('client_reference_id must be at most 200 characters', 'client_reference_id');
    const successUrl = checkUrl(str(params, 'success_url'), 'success_url');
    const cancelUrl = checkUrl(str(params, 'cancel_url'), 'cancel_url');
    // Embedded Checkout (API 2026-10-28.endive names it `embedded_page`): it returns to return_url and has no pages of its own.
    const uiMode = oneOf(str(params, 'ui_mode'), ['hosted_page', 'embedded_page'] as const, 'ui_mode') ?? 'hosted_page';
    const returnUrl = checkUrl(str(params, 'return_url'), 'return_url');
    if (uiMode === 'embedded_page') {
      if (successUrl !== undefined) throw invalid('`success_url` is not supported with `ui_mode: embedded_page`; use `return_url`.', 'success_url');
      if (cancelUrl !== undefined) throw invalid('`cancel_url` is not supported with `ui_mode: embedded_page`.', 'cancel_url');
      if (returnUrl === undefined && str(params, 'redirect_on_completion') !== 'never') throw missingParam('return_url');
    } else if (returnUrl !== undefined) {
      throw invalid('`return_url` can only be used with `ui_mode: embedded_page`.', 'return_url');
    }
    const shippingCollection = obj(params, 'shipping_address_collection');
    const allowedCountries = shippingCollection ? array(shippingCollection, 'allowed_countries', 'shipping_address_collection[allowed_countries]') : undefined;
    if (shippingCollection && (!allowedCountries || allowedCountries.some((country) => typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)))) {
      throw invalid('Invalid shipping_address_collection[allowed_countries]', 'shipping_address_collection[allowed_countries]');
    }
    const automaticTax = obj(params, 'automatic_tax');
    const phoneCollection = obj(params, 'phone_number_collection');
    const customerCreation = oneOf(str(params, 'customer_creation'), ['always', 'if_required'] as const, 'customer_creation');
    if (customerCreation && mode !== 'payment') throw invalid('`customer_creation` can only be used in `payment` mode.', 'customer_creation');
    const paymentIntentData = obj(params, 'payment_intent_data');
    const subscriptionData = obj(params, 'subscription_data');
    const amount = items.reduce((sum, item, index) => sum + (prices[index]!.unit_amount ?? 0) * item.quantity, 0);
    const created = ctx.created ?? now();
    const id = newId.session();
    const expiresAt = int(params, 'expires_at') ?? created + 24 * 60 * 60;
    const session: StripeObject = {
      ...this.fixture('checkout.session'),
      id,
      object: 'checkout.session',
      adaptive_pricing: { enabled: false },
      after_expiration: null,
      allow_promotion_codes: bool(params, 'allow_promotion_codes') ?? null,
      amount_subtotal: mode === 'setup' ? null : amount,
      amount_total: mode === 'setup' ? null : amount,
      automatic_tax: { enabled: (automaticTax && bool(automaticTax, 'enabled', 'automatic_tax[enabled]')) ?? false, liability: null, provider: null, status: null },
      billing_address_collection: str(params, 'billing_address_collection') ?? null,
      cancel_url: cancelUrl ?? null,
      client_reference_id: clientReferenceId || null,
      client_secret: uiMode === 'embedded_page' ? `${id}_secret_${randomAlnum(24)}` : null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created,
      currency: prices[0]?.currency ?? (mode === 'setup' ? (str(params, 'currency') ?? null) : null),
      currency_conversion: null,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: customerId ?? null,
      customer_account: null,
      customer_creation: mode === 'payment' ? (customerCreation ?? 'if_required') : null,
      customer_details: null,
      customer_email: customerEmail || null,
      discounts: [],
      expires_at: expiresAt,
      invoice: null,
      invoice_creation: mode === 'payment' ? { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } } : null,
      livemode: false,
      locale: str(params, 'locale') ?? null,
      metadata: applyMetadata({ ...(from.paymentLink?.metadata ?? {}) }, params),
      mode,
      payment_intent: null,
      payment_link: from.paymentLink?.id ?? null,
      payment_method_collection: mode === 'subscription' ? 'always' : null,
      payment_method_configuration_details: null,
      payment_method_options: {},
      payment_method_types: ['card'],
      payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
      permissions: null,
      phone_number_collection: { enabled: (phoneCollection && bool(phoneCollection, 'enabled', 'phone_number_collection[enabled]')) ?? false },
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      return_url: returnUrl ?? null,
      shipping_address_collection: allowedCountries ? { allowed_countries: allowedCountries } : null,
      shipping_cost: null,
      shipping_options: [],
      status: 'open',
      submit_type: str(params, 'submit_type') ?? null,
      subscription: null,
      success_url: successUrl ?? null,
      total_details: mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: uiMode,
      url: uiMode === 'embedded_page' ? null : `${this.baseUrl}/pay/${id}`,
      wallet_options: null,
    };
    this.put('checkout.session', session);
    this.lineItems.set(id, items);
    this.sessionExtras.set(id, {
      paymentIntentMetadata: paymentIntentData ? applyMetadata({}, paymentIntentData, 'payment_intent_data[metadata]') : {},
      subscriptionMetadata: subscriptionData ? applyMetadata({}, subscriptionData, 'subscription_data[metadata]') : {},
      customerCreation: customerCreation ?? null,
    });
    return session;
  }

  /** The Pay button: completes an open session and records what Stripe would. Synchronous; delivery is queued. */
  completeSession(id: string, email: string | undefined, ctx: RequestContext): StripeObject {
    const session = this.must('checkout.session', id);
    if (session.status !== 'open') throw invalid(`This Checkout Session is no longer active (status: ${session.status}).`);
    const extras = this.sessionExtras.get(id) ?? { paymentIntentMetadata: {}, subscriptionMetadata: {}, customerCreation: null };
    const existingCustomer = session.customer ? this.find('customer', session.customer) : undefined;
    const buyerEmail = email || session.customer_email || existingCustomer?.email || 'buyer@example.com';
    const ensureCustomer = () => {
      if (session.customer) return session.customer as string;
      const customer = this.createCustomer({ email: buyerEmail, name: 'Test Buyer' }, ctx);
      session.customer = customer.id;
      return customer.id as string;
    };
    if (session.mode === 'subscription') {
      const customerId = ensureCustomer();
      const recurring = (this.lineItems.get(id) ?? []).filter((item) => this.find('price', item.price)?.type === 'recurring');
      const subscription = this.createSubscription(
        { customer: customerId, items: recurring.map((item) => ({ price: item.price, quantity: String(item.quantity) })) },
        ctx,
        { metadata: extras.subscriptionMetadata, fromCheckout: true },
      );
      session.subscription = subscription.id;
      session.payment_status = 'paid';
    } else if (session.mode === 'payment') {
      const customerId = extras.customerCreation === 'always' ? ensureCustomer() : (session.customer as string | null);
      const created = now();
      const paymentIntent: StripeObject = {
        ...this.fixture('payment_intent'),
        id: newId.paymentIntent(),
        object: 'payment_intent',
        amount: session.amount_total,
        amount_capturable: 0,
        amount_details: { tip: {} },
        amount_received: session.amount_total,
        canceled_at: null,
        cancellation_reason: null,
        client_secret: null,
        created,
        currency: session.currency,
        customer: customerId ?? null,
        description: null,
        last_payment_error: null,
        latest_charge: newId.charge(),
        livemode: false,
        metadata: extras.paymentIntentMetadata,
        next_action: null,
        payment_method: newId.paymentMethod(),
        payment_method_configuration_details: null,
        processing: null,
        receipt_email: null,
        shipping: null,
        status: 'succeeded',
        transfer_data: null,
      };
      paymentIntent.client_secret = `${paymentIntent.id}_secret_${randomAlnum(25)}`;
      this.put('payment_intent', paymentIntent);
      session.payment_intent = paymentIntent.id;
      session.payment_status = 'paid';
    } else {
      session.setup_intent = newId.setupIntent();
      session.payment_status = 'no_payment_required';
    }
    session.status = 'complete';
    session.url = null;
    session.customer_details = {
      address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94107', state: null },
      business_name: null,
      email: buyerEmail,
      individual_name: null,
      name: 'Test Buyer',
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    };
    this.recordEvent('checkout.session.completed', session, ctx);
    return session;
  }

  expireSession(id: string, ctx: RequestContext): StripeObject {
    const session = this.must('checkout.session', id);
    if (session.status !== 'open') throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`);
    session.status = 'expired';
    session.url = null;
    this.recordEvent('checkout.session.expired', session, ctx);
    return session;
  }

  // ── customer portal ──

  createPortalSession(params: StripeObject, ctx: RequestContext): StripeObject {
    const customer = requiredStr(params, 'customer');
    if (this.deletedCustomers.has(customer)) throw noSuch('customer', customer, 'customer', 400);
    this.must('customer', customer, 'customer', 400);
    const id = `bps_1${randomAlnum(23)}`;
    const session: StripeObject = {
      ...this.fixture('billing_portal.session'),
      id,
      object: 'billing_portal.session',
      configuration: 'bpc_1FakeDefaultConfiguration',
      created: ctx.created ?? now(),
      customer,
      flow: null,
      livemode: false,
      locale: str(params, 'locale') ?? null,
      on_behalf_of: null,
      return_url: checkUrl(str(params, 'return_url'), 'return_url') ?? null,
      url: `${this.baseUrl}/portal/${id}`,
    };
    this.portalSessions.set(id, session);
    return session;
  }

  listSessions(params: StripeObject) {
    const filters: [string, string | undefined][] = ['customer', 'payment_intent', 'payment_link', 'subscription', 'status', 'client_reference_id'].map((f) => [f, str(params, f)]);
    return this.listKind('checkout.session', params, (s) => filters.every(([field, value]) => value === undefined || s[field] === value));
  }

  // ── payment links ──

  createPaymentLink(params: StripeObject, ctx: RequestContext): StripeObject {
    const rawItems = array(params, 'line_items');
    if (!rawItems || rawItems.length === 0) throw missingParam('line_items');
    rawItems.forEach((item, index) => {
      if (typeof item === 'object' && item !== null && (item as StripeObject).price_data) throw invalid('Received unknown parameter: price_data', `line_items[${index}][price_data]`);
    });
    const { items, prices } = this.resolveLineItems(rawItems, ctx);
    const afterCompletion = obj(params, 'after_completion');
    let after: StripeObject = { hosted_confirmation: { custom_message: null }, type: 'hosted_confirmation' };
    if (afterCompletion) after = this.afterCompletion(afterCompletion);
    const created = ctx.created ?? now();
    const id = newId.paymentLink();
    const link: StripeObject = {
      ...this.fixture('payment_link'),
      id,
      object: 'payment_link',
      active: true,
      after_completion: after,
      allow_promotion_codes: bool(params, 'allow_promotion_codes') ?? false,
      automatic_tax: { enabled: false, liability: null },
      billing_address_collection: str(params, 'billing_address_collection') ?? 'auto',
      consent_collection: null,
      currency: prices[0]!.currency,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer_creation: str(params, 'customer_creation') ?? 'if_required',
      inactive_message: null,
      invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
      livemode: false,
      managed_payments: { enabled: false },
      metadata: applyMetadata({}, params),
      payment_intent_data: null,
      payment_method_options: null,
      restrictions: null,
      shipping_address_collection: null,
      submit_type: str(params, 'submit_type') ?? 'auto',
      subscription_data: null,
      transfer_data: null,
      url: `${this.baseUrl}/pay-link/${id}`,
    };
    this.hiddenCreated.set(id, created); // payment links have no `created` field; the fake orders them by this
    this.put('payment_link', link);
    this.lineItems.set(id, items);
    this.recordEvent('payment_link.created', link, ctx);
    return link;
  }

  private afterCompletion(params: StripeObject): StripeObject {
    const type = oneOf(requiredStr(params, 'type', 'after_completion[type]'), ['redirect', 'hosted_confirmation'] as const, 'after_completion[type]');
    if (type === 'redirect') {
      const redirect = obj(params, 'redirect', 'after_completion[redirect]');
      if (!redirect) throw missingParam('after_completion[redirect]');
      const url = checkUrl(requiredStr(redirect, 'url', 'after_completion[redirect][url]'), 'after_completion[redirect][url]')!;
      return { redirect: { url }, type: 'redirect' };
    }
    const confirmation = obj(params, 'hosted_confirmation');
    return { hosted_confirmation: { custom_message: confirmation ? (str(confirmation, 'custom_message') ?? null) : null }, type: 'hosted_confirmation' };
  }

  updatePaymentLink(id: string, params: StripeObject, ctx: RequestContext): StripeObject {
    const link = this.must('payment_link', id);
    const before = clone(link);
    const active = bool(params, 'active');
    if (active !== undefined) link.active = active;
    const afterCompletion = obj(params, 'after_completion');
    if (afterCompletion) link.after_completion = this.afterCompletion(afterCompletion);
    const inactiveMessage = str(params, 'inactive_message');
    if (inactiveMessage !== undefined) link.inactive_message = nullable(inactiveMessage);
    link.metadata = applyMetadata(link.metadata ?? {}, params);
    const previous = previousAttributes(before, link);
    if (Object.keys(previous).length) this.recordEvent('payment_link.updated', link, ctx, previous);
    return link;
  }

  listPaymentLinks(params: StripeObject) {
    const active = bool(params, 'active');
    return this.listKind('payment_link', params, (l) => active === undefined || l.active === active);
  }

  sessionFromPaymentLink(id: string, query: URLSearchParams, ctx: RequestContext): StripeObject {
    const link = this.must('payment_link', id);
    if (!link.active) throw invalid('This payment link is no longer active.');
    const items = this.lineItems.get(id) ?? [];
    const mode = items.some((item) => this.find('price', item.price)?.type === 'recurring') ? 'subscription' : 'payment';
    const params: StripeObject = {
      mode,
      line_items: items.map((item) => ({ price: item.price, quantity: String(item.quantity) })),
    };
    const reference = query.get('client_reference_id');
    // Stripe ignores a client_reference_id that isn't alphanumeric/dash/underscore up to 200 characters.
    if (reference && /^[A-Za-z0-9_-]{1,200}$/.test(reference)) params.client_reference_id = reference;
    const email = query.get('prefilled_email');
    if (email) params.customer_email = email;
    if (link.after_completion?.type === 'redirect') params.success_url = link.after_completion.redirect.url;
    if (mode === 'payment') params.customer_creation = link.customer_creation ?? 'if_required';
    return this.createCheckoutSession(params, ctx, { paymentLink: link });
  }

  // ── routing ──

  private routes: Route[] = [
    // products
    { method: 'POST', pattern: /^\/v1\/products$/, handler: (ctx, p) => this.createProduct(p, ctx) },
    { method: 'GET', pattern: /^\/v1\/products$/, handler: (_ctx, p) => this.listProducts(p) },
    { method: 'GET', pattern: /^\/v1\/products\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.must('product', id!) },
    { method: 'POST', pattern: /^\/v1\/products\/([^/]+)$/, handler: (ctx, p, [id]) => this.updateProduct(id!, p, ctx) },
    { method: 'DELETE', pattern: /^\/v1\/products\/([^/]+)$/, handler: (ctx, _p, [id]) => this.deleteProduct(id!, ctx) },
    // prices
    { method: 'POST', pattern: /^\/v1\/prices$/, handler: (ctx, p) => this.createPrice(p, ctx) },
    { method: 'GET', pattern: /^\/v1\/prices$/, handler: (_ctx, p) => this.listPrices(p) },
    { method: 'GET', pattern: /^\/v1\/prices\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.must('price', id!) },
    { method: 'POST', pattern: /^\/v1\/prices\/([^/]+)$/, handler: (ctx, p, [id]) => this.updatePrice(id!, p, ctx) },
    // customers
    { method: 'POST', pattern: /^\/v1\/customers$/, handler: (ctx, p) => this.createCustomer(p, ctx) },
    { method: 'GET', pattern: /^\/v1\/customers$/, handler: (_ctx, p) => this.listCustomers(p) },
    { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.retrieveCustomer(id!) },
    { method: 'POST', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (ctx, p, [id]) => this.updateCustomer(id!, p, ctx) },
    { method: 'DELETE', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (ctx, _p, [id]) => this.deleteCustomer(id!, ctx) },
    // subscriptions
    { method: 'POST', pattern: /^\/v1\/subscriptions$/, handler: (ctx, p) => this.createSubscription(p, ctx) },
    { method: 'GET', pattern: /^\/v1\/subscriptions$/, handler: (_ctx, p) => this.listSubscriptions(p) },
    { method: 'GET', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.must('subscription', id!) },
    { method: 'POST', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (ctx, p, [id]) => this.updateSubscription(id!, p, ctx) },
    { method: 'DELETE', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (ctx, p, [id]) => this.cancelSubscription(id!, p, ctx) },
    // checkout sessions
    { method: 'POST', pattern: /^\/v1\/checkout\/sessions$/, handler: (ctx, p) => this.createCheckoutSession(p, ctx) },
    { method: 'GET', pattern: /^\/v1\/checkout\/sessions$/, handler: (_ctx, p) => this.listSessions(p) },
    { method: 'GET', pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.must('checkout.session', id!) },
    { method: 'GET', pattern: /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/, handler: (_ctx, p, [id]) => this.listLineItems(id!, 'checkout.session', p) },
    { method: 'POST', pattern: /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, handler: (ctx, _p, [id]) => this.expireSession(id!, ctx) },
    // customer portal
    { method: 'POST', pattern: /^\/v1\/billing_portal\/sessions$/, handler: (ctx, p) => this.createPortalSession(p, ctx) },
    // payment links
    { method: 'POST', pattern: /^\/v1\/payment_links$/, handler: (ctx, p) => this.createPaymentLink(p, ctx) },
    { method: 'GET', pattern: /^\/v1\/payment_links$/, handler: (_ctx, p) => this.listPaymentLinks(p) },
    { method: 'GET', pattern: /^\/v1\/payment_links\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.must('payment_link', id!) },
    { method: 'POST', pattern: /^\/v1\/payment_links\/([^/]+)$/, handler: (ctx, p, [id]) => this.updatePaymentLink(id!, p, ctx) },
    { method: 'GET', pattern: /^\/v1\/payment_links\/([^/]+)\/line_items$/, handler: (_ctx, p, [id]) => this.listLineItems(id!, 'payment_link', p) },
    // payment intents (read-only: created by the hosted checkout's Pay)
    { method: 'GET', pattern: /^\/v1\/payment_intents\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.must('payment_intent', id!) },
    // refunds (of a payment intent the hosted checkout's Pay created)
    { method: 'POST', pattern: /^\/v1\/refunds$/, handler: (ctx, p) => this.createRefund(p, ctx) },
    // events
    { method: 'GET', pattern: /^\/v1\/events$/, handler: (_ctx, p) => this.listEvents(p) },
    { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handler: (_ctx, _p, [id]) => this.must('event', id!) },
  ];

  // ── refunds ──
  // Only what a refund of a paid Checkout Session needs: the refund (succeeded at once, as
  // with test cards) and Stripe's charge.refunded event carrying the charge, whose
  // `refunded` is true once the whole amount came back.
  private refunded = new Map<string, number>();

  createRefund(params: StripeObject, ctx: RequestContext): StripeObject {
    const paymentIntentId = requiredStr(params, 'payment_intent');
    const paymentIntent = this.must('payment_intent', paymentIntentId);
    const already = this.refunded.get(paymentIntentId) ?? 0;
    const left = (paymentIntent.amount as number) - already;
    const amount = int(params, 'amount') ?? left;
    if (left <= 0) throw invalid(`Charge ${paymentIntent.latest_charge} has already been refunded.`, undefined, 'charge_already_refunded');
    if (amount <= 0 || amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount');
    this.refunded.set(paymentIntentId, already + amount);
    const created = now();
    const refund: StripeObject = {
      ...this.fixture('refund'),
      id: `re_3${randomAlnum(23)}`,
      amount,
      charge: paymentIntent.latest_charge,
      created,
      currency: paymentIntent.currency,
      metadata: applyMetadata({}, params),
      payment_intent: paymentIntentId,
      status: 'succeeded',
    };
    const charge: StripeObject = {
      ...this.fixture('charge'),
      id: paymentIntent.latest_charge,
      amount: paymentIntent.amount,
      amount_captured: paymentIntent.amount,
      amount_refunded: already + amount,
      created: paymentIntent.created,
      currency: paymentIntent.currency,
      customer: paymentIntent.customer,
      livemode: false,
      paid: true,
      payment_intent: paymentIntentId,
      refunded: already + amount >= (paymentIntent.amount as number),
      status: 'succeeded',
    };
    this.recordEvent('charge.refunded', charge, ctx);
    return refund;
  }

  listEvents(params: StripeObject) {
    const type = str(params, 'type');
    const types = array(params, 'types')?.map(String);
    if (type && types) throw invalid('You may only specify one of these parameters: type, types.', 'types');
    const matches = (pattern: string, value: string) => (pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value);
    return this.listKind('event', params, (e) => (!type || matches(type, e.type)) && (!types || types.some((t) => matches(t, e.type))));
  }

  // ── HTTP ──

  private async readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1024 * 1024) throw invalid('Request body too large.');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body, null, 2);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache, no-store', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private sendHtml(res: http.ServerResponse, status: number, html: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(html) });
    res.end(html);
  }

  private redirect(res: http.ServerResponse, location: string): void {
    res.writeHead(303, { location, 'content-length': 0 });
    res.end();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/v1/') || url.pathname === '/v1') return this.handleApi(req, res, url, method);
    if (url.pathname.startsWith('/__fake/')) return this.handleControl(req, res, url, method);
    if (url.pathname.startsWith('/pay/') || url.pathname.startsWith('/pay-link/')) return this.handlePages(req, res, url, method);
    if (url.pathname.startsWith('/portal/') && method === 'GET') return this.portalPage(res, decodeURIComponent(url.pathname.slice('/portal/'.length)));
    if (STRIPE_JS_PATH.test(url.pathname) && method === 'GET') return this.sendScript(res, stripeJsStandIn());
    if (url.pathname === '/' && method === 'GET') return this.sendHtml(res, 200, page('Fake Stripe', `<p>Fake Stripe API (test only). API at <code>/v1</code>.</p>`));
    this.sendJson(res, 404, unrecognizedUrl(method, url.pathname).body());
  }

  private async handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
    const requestId = newId.request();
    const stripeVersion = (req.headers['stripe-version'] as string | undefined) ?? null;
    const idempotencyKey = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const baseHeaders: Record<string, string> = { 'request-id': requestId, 'stripe-version': stripeVersion ?? DEFAULT_API_VERSION };
    if (idempotencyKey) baseHeaders['idempotency-key'] = idempotencyKey;
    let params: StripeObject = {};
    let status = 500;
    const respond = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      status = code;
      this.sendJson(res, code, body, { ...baseHeaders, ...headers });
    };
    try {
      const body = await this.readBody(req);
      params = parseBracketParams(method === 'GET' ? url.search.slice(1) : body || url.search.slice(1));

      if (this.rateLimit.remaining > 0) {
        this.rateLimit.remaining--;
        const error = new StripeApiError(429, 'invalid_request_error', 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', 'rate_limit');
        respond(429, error.body(), this.rateLimit.retryAfter !== undefined ? { 'retry-after': String(this.rateLimit.retryAfter) } : {});
        return;
      }

      const apiKey = this.apiKey(req);
      if (stripeVersion) this.lastApiVersion = stripeVersion;

      let fingerprint = '';
      if (method === 'POST' && idempotencyKey) {
        fingerprint = `${method} ${url.pathname} ${body}`;
        const cached = this.idempotency.get(`${apiKey} ${idempotencyKey}`);
        if (cached) {
          if (cached.fingerprint !== fingerprint) {
            throw new StripeApiError(
              400,
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            );
          }
          respond(cached.status, cached.body, { 'idempotent-replayed': 'true' });
          return;
        }
      }

      const route = this.matchRoute(method, url.pathname);
      if (!route) {
        this.log(`unrecognized request ${method} ${url.pathname}`);
        throw unrecognizedUrl(method, url.pathname);
      }
      const ctx: RequestContext = { requestId, idempotencyKey, apiVersion: stripeVersion };
      const result = route.route.handler(ctx, params, route.match);
      const responseBody = this.expand(clone(result), params);
      if (fingerprint) this.idempotency.set(`${apiKey} ${idempotencyKey}`, { fingerprint, status: 200, body: responseBody });
      respond(200, responseBody);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      respond(error.status, error.body(), error.headers);
    } finally {
      this.requests.push({ method, path: url.pathname, params, status, stripeVersion, idempotencyKey });
      if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);
    }
  }

  private apiKey(req: http.IncomingMessage): string {
    const header = req.headers.authorization ?? '';
    let key = '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (bearer) key = bearer[1]!;
    else if (basic) key = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] ?? '';
    if (!key) {
      throw new StripeApiError(
        401,
        'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    if (!/^(sk|rk)_test_\S+$/.test(key)) {
      const masked = key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
      throw new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${masked}`);
    }
    return key;
  }

  private matchRoute(method: string, path: string): { route: Route; match: string[] } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (match) return { route, match: match.slice(1).map((s) => decodeURIComponent(s)) };
    }
    return undefined;
  }

  private async handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
    const text = await this.readBody(req).catch(() => '');
    let body: StripeObject = {};
    if (text) {
      try {
        body = (req.headers['content-type'] ?? '').includes('json') || text.trimStart().startsWith('{') ? JSON.parse(text) : parseBracketParams(text);
      } catch {
        return this.sendJson(res, 400, { error: { type: 'invalid_request_error', message: 'control endpoints take a JSON body' } });
      }
    }
    const ctx: RequestContext = { requestId: null, idempotencyKey: null, apiVersion: null };
    const route = `${method} ${url.pathname}`;
    try {
      if (route === 'POST /__fake/reset') {
        this.reset();
        return this.sendJson(res, 200, { ok: true });
      }
      if (route === 'POST /__fake/429') {
        const count = Number(body.count ?? 1);
        if (!Number.isFinite(count) || count < 0) return this.sendJson(res, 400, { error: { type: 'invalid_request_error', message: 'count must be a number ≥ 0' } });
        this.set429(count, body.retryAfter === undefined ? {} : { retryAfter: Number(body.retryAfter) });
        return this.sendJson(res, 200, { ok: true, count });
      }
      if (route === 'POST /__fake/webhook') {
        try {
          this.setWebhook(body.url ? { url: String(body.url), secret: String(body.secret ?? '') } : null);
        } catch (error) {
          return this.sendJson(res, 400, { error: { type: 'invalid_request_error', message: (error as Error).message } });
        }
        return this.sendJson(res, 200, { ok: true, webhook: this.webhook ? { url: this.webhook.url } : null });
      }
      if (route === 'GET /__fake/deliveries') return this.sendJson(res, 200, { deliveries: this.deliveries });
      if (route === 'GET /__fake/requests') return this.sendJson(res, 200, { requests: this.requests });
      if (route === 'POST /__fake/flush') {
        await this.flushWebhooks();
        return this.sendJson(res, 200, { ok: true, deliveries: this.deliveries.length });
      }
      const checkout = /^POST \/__fake\/checkout\/([^/]+)\/(complete|expire)$/.exec(route);
      if (checkout) {
        const id = decodeURIComponent(checkout[1]!);
        const session = checkout[2] === 'complete' ? this.completeSession(id, body.email ? String(body.email) : undefined, ctx) : this.expireSession(id, ctx);
        await this.flushWebhooks();
        return this.sendJson(res, 200, session);
      }
    } catch (error) {
      if (error instanceof StripeApiError) return this.sendJson(res, error.status, error.body());
      throw error;
    }
    this.sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unknown control endpoint ${method} ${url.pathname}` } });
  }

  // ── the customer portal and Stripe.js stand-ins ──

  private portalPage(res: http.ServerResponse, id: string): void {
    const session = this.portalSessions.get(id);
    if (!session) return this.sendHtml(res, 404, page('Portal not found', '<p>No such portal session.</p>'));
    const subscriptions = [...this.store.get('subscription')!.values()].filter((sub) => sub.customer === session.customer);
    const rows = subscriptions.map((sub) => `<li data-subscription="${escapeHtml(sub.id)}">${escapeHtml(sub.id)}: ${escapeHtml(sub.status)}</li>`).join('');
    const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to the shop</a></p>` : '';
    this.sendHtml(res, 200, page('Fake customer portal — test only', `<p data-testid="portal-customer">Customer <code>${escapeHtml(session.customer)}</code></p><ul>${rows}</ul>${back}`));
  }

  private sendScript(res: http.ServerResponse, source: string): void {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(source) });
    res.end(source);
  }

  // ── the hosted checkout stand-in ──

  private async handlePages(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
    const ctx: RequestContext = { requestId: null, idempotencyKey: null, apiVersion: null };
    const link = /^\/pay-link\/([^/]+)$/.exec(url.pathname);
    if (link && method === 'GET') {
      try {
        const session = this.sessionFromPaymentLink(decodeURIComponent(link[1]!), url.searchParams, ctx);
        return this.redirect(res, `/pay/${session.id}`);
      } catch (error) {
        if (!(error instanceof StripeApiError)) throw error;
        return this.sendHtml(res, error.status === 404 ? 404 : 410, page('Link unavailable', `<p>${escapeHtml(error.message)}</p>`));
      }
    }
    const pay = /^\/pay\/([^/]+)$/.exec(url.pathname);
    if (!pay) return this.sendHtml(res, 404, page('Not found', '<p>Nothing here.</p>'));
    const session = this.find('checkout.session', decodeURIComponent(pay[1]!));
    if (!session) return this.sendHtml(res, 404, page('Checkout not found', `<p>No such checkout session.</p>`));

    if (method === 'GET') return this.sendHtml(res, 200, this.checkoutPage(session));
    if (method !== 'POST') return this.sendHtml(res, 405, page('Method not allowed', ''));

    const form = new URLSearchParams(await this.readBody(req));
    const action = form.get('action');
    if (session.status !== 'open') return this.sendHtml(res, 409, this.checkoutPage(session));
    if (action === 'cancel') {
      if (session.cancel_url) return this.redirect(res, session.cancel_url);
      return this.sendHtml(res, 200, page('Checkout canceled', '<p>You canceled this checkout. Nothing was charged.</p>'));
    }
    if (action !== 'pay') return this.sendHtml(res, 400, page('Bad request', '<p>Unknown action.</p>'));
    const completed = this.completeSession(session.id, form.get('email') || undefined, ctx);
    await this.flushWebhooks();
    const next = completed.success_url ?? completed.return_url;
    if (next) return this.redirect(res, String(next).replace(/\{CHECKOUT_SESSION_ID\}|%7BCHECKOUT_SESSION_ID%7D/gi, completed.id));
    return this.sendHtml(res, 200, page('Payment complete', `<p data-testid="complete">Thanks! Payment complete (test mode). Session <code>${escapeHtml(completed.id)}</code>.</p>`));
  }

  private checkoutPage(session: StripeObject): string {
    const items = (this.lineItems.get(session.id) ?? []).map((i) => this.lineItemObject(i));
    const rows = items
      .map((item) => `<tr><td>${escapeHtml(item.description)}</td><td>× ${item.quantity}</td><td>${escapeHtml(formatMoney(item.amount_total, item.currency))}${item.price?.recurring ? ` / ${escapeHtml(item.price.recurring.interval)}` : ''}</td></tr>`)
      .join('');
    const total = `<p class="total">Total: <strong data-testid="total">${escapeHtml(formatMoney(session.amount_total, session.currency))}</strong></p>`;
    if (session.status !== 'open') {
      return page('Fake Stripe Checkout — test only', `<p data-testid="status">This checkout session is ${escapeHtml(session.status)}.</p><table>${rows}</table>${total}`);
    }
    const email = session.customer_email ?? (session.customer ? this.find('customer', session.customer)?.email : null) ?? '';
    return page(
      'Fake Stripe Checkout — test only',
      `<p>Mode: ${escapeHtml(session.mode)}</p>
<table>${rows}</table>
${total}
<form method="post" action="/pay/${escapeHtml(session.id)}"${session.ui_mode === 'embedded_page' ? ' target="_top"' : ''}>
  <label>Email <input type="email" name="email" value="${escapeHtml(email)}" placeholder="buyer@example.com"></label>
  <button type="submit" name="action" value="pay">Pay</button>
  ${session.ui_mode === 'embedded_page' ? '' : '<button type="submit" name="action" value="cancel">Cancel</button>'}
</form>`,
    );
  }

  // ── seeding (direct, no HTTP) ──

  seedCtx(options?: SeedOptions): RequestContext {
    return { requestId: null, idempotencyKey: null, apiVersion: null, created: options?.created };
  }

  call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof StripeApiError) {
        const wrapped = new Error(`fake Stripe: ${error.message}${error.param ? ` (${error.param})` : ''}`);
        Object.assign(wrapped, { status: error.status, type: error.type, code: error.code, param: error.param });
        throw wrapped;
      }
      throw error;
    }
  }
}

/** Where @stripe/stripe-js loads Stripe.js from (`https://js.stripe.com/<release>/stripe.js`, or `/v3`). */
const STRIPE_JS_PATH = /^\/(?:v3\/?|[a-z]+\/stripe\.js)$/;

/**
 * A stand-in for Stripe.js, enough for Embedded Checkout: `Stripe(pk_test_…)` and
 * `createEmbeddedCheckoutPage({ fetchClientSecret })`, whose `mount` puts this server's checkout
 * page for the session in an iframe. Its origin is the script's own (tests route
 * https://js.stripe.com/** here, so the frame is on js.stripe.com, which the shop's CSP allows).
 */
function stripeJsStandIn(): string {
  return `(() => {
  const origin = new URL(document.currentScript.src).origin;
  function Stripe(key) {
    if (!/^pk_test_/.test(String(key))) throw new Error('the local Stripe.js stand-in takes test publishable keys (pk_test_…) only');
    return {
      async createEmbeddedCheckoutPage(options) {
        const secret = options.clientSecret || (await options.fetchClientSecret());
        const id = String(secret).split('_secret_')[0];
        let frame = null;
        return {
          mount(target) {
            const parent = typeof target === 'string' ? document.querySelector(target) : target;
            frame = document.createElement('iframe');
            frame.title = 'Checkout (local stand-in)';
            frame.src = origin + '/pay/' + encodeURIComponent(id);
            frame.style.cssText = 'width:100%;min-height:32rem;border:0';
            parent.append(frame);
          },
          unmount() { frame && frame.remove(); },
          destroy() { frame && frame.remove(); frame = null; },
        };
      },
    };
  }
  Stripe.version = 'endive';
  window.Stripe = Stripe;
})();
`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}.banner{background:#fde68a;padding:.5rem 1rem;border-radius:.25rem;font-weight:600}table{width:100%;margin:1rem 0}td{padding:.25rem 0}button{margin:.5rem .5rem 0 0;padding:.5rem 1.25rem}label{display:block;margin:1rem 0}</style>
</head><body><p class="banner" role="note">Fake Stripe Checkout — test only. No real payment happens here.</p><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

// ─── factory ────────────────────────────────────────────────────────────────

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const fake = new FakeStripeServer(options);
  await fake.listen(options.port ?? 0);
  const out = <T>(value: T): T => clone(value);
  const api: FakeStripe = {
    get url() {
      return fake.baseUrl;
    },
    get port() {
      return fake.port;
    },
    close: () => fake.close(),
    reset: () => fake.reset(),
    set429: (count, opts) => fake.set429(count, opts),
    setWebhook: (webhook) => fake.setWebhook(webhook),
    get deliveries() {
      return fake.deliveries;
    },
    get requests() {
      return fake.requests;
    },
    flushWebhooks: () => fake.flushWebhooks(),
    get: <T>(id: string) => fake.get(id) as T | undefined,
    all: <T>(kind: ObjectKind) => fake.all(kind) as T[],
    events: () => fake.all('event'),
    recordEvent: (type, object, opts) => fake.recordEvent(type, object, { ...fake.seedCtx({ created: opts?.created }) }, opts?.previousAttributes),
    seedProduct: (params, opts) => out(fake.call(() => fake.createProduct(toParams(params), fake.seedCtx(opts)))),
    seedPrice: (params, opts) => out(fake.call(() => fake.createPrice(toParams(params), fake.seedCtx(opts)))),
    seedCustomer: (params = {}, opts) => out(fake.call(() => fake.createCustomer(toParams(params), fake.seedCtx(opts)))),
    seedSubscription: (params, opts) => out(fake.call(() => fake.createSubscription(toParams(params), fake.seedCtx(opts)))),
    seedPaymentLink: (params, opts) => out(fake.call(() => fake.createPaymentLink(toParams(params), fake.seedCtx(opts)))),
    seedCheckoutSession: (params, opts) => out(fake.call(() => fake.createCheckoutSession(toParams(params), fake.seedCtx(opts)))),
    seedCatalog: (catalog, opts = {}) => {
      const shopUrl = (opts.shopUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
      return catalog.products.map((entry) => {
        const product = api.seedProduct({ name: entry.name, description: entry.description, metadata: { catalog_id: entry.id } });
        const price = api.seedPrice({ product: product.id, unit_amount: entry.price.amount, currency: entry.price.currency });
        fake.call(() => fake.updateProduct(product.id, { default_price: price.id }, fake.seedCtx()));
        const paymentLink = api.seedPaymentLink({
          line_items: [{ price: price.id, quantity: 1 }],
          after_completion: { type: 'redirect', redirect: { url: `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}` } },
          metadata: { catalog_id: entry.id },
        });
        return { catalogId: entry.id, product: fake.get(product.id)!, price, paymentLink };
      });
    },
    completeCheckoutSession: async (id, opts = {}) => {
      const session = fake.call(() => fake.completeSession(id, opts.email, fake.seedCtx()));
      await fake.flushWebhooks();
      return out(session);
    },
    expireCheckoutSession: async (id) => {
      const session = fake.call(() => fake.expireSession(id, fake.seedCtx()));
      await fake.flushWebhooks();
      return out(session);
    },
  };
  return api;
}
