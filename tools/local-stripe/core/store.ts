// The local Stripe's memory: every object by kind, in creation order, each starting as
// Stripe's own example of its type (tools/stripe-fixtures/fixtures3.json); the events every
// change records, handed to the webhook sender; and Stripe's list pagination.
import { readFileSync } from 'node:fs';
import { noSuch, invalid } from './errors';
import { kindOfId, newId, OBJECT_KINDS, type ObjectKind } from './ids';
import { int, nullable, obj, str } from './params';
import type { RequestContext, StripeObject, WebhookTarget } from './types';
import { isThisMachine, type WebhookSender } from './webhooks';

export const DEFAULT_API_VERSION = '2026-10-28.endive';

export const now = () => Math.floor(Date.now() / 1000);
export const clone = <T>(value: T): T => structuredClone(value);

/** A line of a Checkout Session or Payment Link as kept here: the price is looked up when shown. */
export interface LineItemRecord {
  id: string;
  price: string;
  quantity: number;
}

/** What a session was created with that the session object does not show, used when it completes. */
export interface SessionExtras {
  paymentIntentMetadata: Record<string, string>;
  subscriptionMetadata: Record<string, string>;
  customerCreation: string | null;
}

/** Everything the store holds, as JSON. */
export interface StoredState {
  version: number;
  objects: Partial<Record<ObjectKind, StripeObject[]>>;
  hiddenCreated: [string, number][];
  deletedCustomers: string[];
  lineItems: [string, LineItemRecord[]][];
  sessionExtras: [string, SessionExtras][];
  portalSessions: [string, StripeObject][];
  invoicePayments: [string, StripeObject[]][];
  /** Added later than version 1's other fields: absent in older state files. */
  webhookSecrets?: [string, string][];
}

const LIST_URLS: Record<ObjectKind, string> = {
  product: '/v1/products',
  price: '/v1/prices',
  customer: '/v1/customers',
  subscription: '/v1/subscriptions',
  'checkout.session': '/v1/checkout/sessions',
  payment_link: '/v1/payment_links',
  payment_intent: '/v1/payment_intents',
  charge: '/v1/charges',
  refund: '/v1/refunds',
  dispute: '/v1/disputes',
  invoice: '/v1/invoices',
  event: '/v1/events',
  coupon: '/v1/coupons',
  promotion_code: '/v1/promotion_codes',
  webhook_endpoint: '/v1/webhook_endpoints',
  shipping_rate: '/v1/shipping_rates',
};

export function defaultFixturesPath(): string {
  if (process.env.STRIPE_FIXTURES) return process.env.STRIPE_FIXTURES;
  // the repo's own copy of Stripe's examples (MIT, see its README)
  return new URL('../../stripe-fixtures/fixtures3.json', import.meta.url).pathname;
}

function loadFixtures(path: string): Record<string, StripeObject> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { resources?: Record<string, StripeObject> };
  if (!parsed.resources) throw new Error(`${path}: no "resources" in Stripe fixtures`);
  return parsed.resources;
}

export class Store {
  /** e.g. `http://127.0.0.1:12111`; hosted pages (checkout, portal, Payment Links) live under it. */
  baseUrl = '';
  lastApiVersion: string | null = null;
  /** Renders every new event at this API version (a test simulating an endpoint at another version); null: as requested. */
  eventApiVersion: string | null = null;
  private readonly fixtures: Record<string, StripeObject>;
  private objects = new Map<ObjectKind, Map<string, StripeObject>>();
  private seq = new Map<string, number>();
  private nextSeq = 0;
  /** Payment links have no `created` field; lists still order them by when they were made. */
  readonly hiddenCreated = new Map<string, number>();
  readonly deletedCustomers = new Set<string>();
  readonly lineItems = new Map<string, LineItemRecord[]>();
  readonly sessionExtras = new Map<string, SessionExtras>();
  /** Customer-portal sessions (billing_portal.session), by id; only their own page reads them. */
  readonly portalSessions = new Map<string, StripeObject>();
  /** An invoice's payments (`invoice_payment` objects), shown when `payments` is expanded. */
  readonly invoicePayments = new Map<string, StripeObject[]>();
  /** Each webhook endpoint's signing secret: Stripe shows it once, when the endpoint is made. */
  readonly webhookSecrets = new Map<string, string>();

  /** Called after anything is stored or recorded (npm start saves the state then). */
  onChange?: () => void;

  constructor(
    fixturesPath: string,
    readonly webhooks: WebhookSender,
  ) {
    this.fixtures = loadFixtures(fixturesPath);
    this.reset();
  }

  reset(): void {
    this.objects = new Map(OBJECT_KINDS.map((kind) => [kind, new Map()]));
    this.seq.clear();
    this.hiddenCreated.clear();
    this.deletedCustomers.clear();
    this.lineItems.clear();
    this.sessionExtras.clear();
    this.portalSessions.clear();
    this.invoicePayments.clear();
    this.webhookSecrets.clear();
    this.eventApiVersion = null;
  }

  // ── saving and loading (npm start keeps the local Stripe's objects between runs) ──

  snapshot(): StoredState {
    const objects = Object.fromEntries(OBJECT_KINDS.map((kind) => [kind, [...this.map(kind).values()].sort((a, b) => this.seqOf(a) - this.seqOf(b))]));
    return {
      version: 1,
      objects,
      hiddenCreated: [...this.hiddenCreated],
      deletedCustomers: [...this.deletedCustomers],
      lineItems: [...this.lineItems],
      sessionExtras: [...this.sessionExtras],
      portalSessions: [...this.portalSessions],
      invoicePayments: [...this.invoicePayments],
      webhookSecrets: [...this.webhookSecrets],
    };
  }

  restore(state: StoredState): void {
    if (state.version !== 1) throw new Error(`local Stripe state version ${String(state.version)} is not 1`);
    this.reset();
    for (const kind of OBJECT_KINDS) for (const object of state.objects[kind] ?? []) this.put(kind, object);
    for (const [id, at] of state.hiddenCreated) this.hiddenCreated.set(id, at);
    for (const id of state.deletedCustomers) this.deletedCustomers.add(id);
    for (const [id, items] of state.lineItems) this.lineItems.set(id, items);
    for (const [id, extras] of state.sessionExtras) this.sessionExtras.set(id, extras);
    for (const [id, session] of state.portalSessions) this.portalSessions.set(id, session);
    for (const [id, payments] of state.invoicePayments) this.invoicePayments.set(id, payments);
    for (const [id, secret] of state.webhookSecrets ?? []) this.webhookSecrets.set(id, secret);
  }

  // ── objects ──

  map(kind: ObjectKind): Map<string, StripeObject> {
    return this.objects.get(kind)!;
  }

  put(kind: ObjectKind, object: StripeObject): StripeObject {
    if (!this.seq.has(object.id)) this.seq.set(object.id, this.nextSeq++);
    this.map(kind).set(object.id, object);
    this.onChange?.();
    return object;
  }

  find(kind: ObjectKind, id: string): StripeObject | undefined {
    return this.map(kind).get(id);
  }

  must(kind: ObjectKind, id: string, param = 'id', status = 404): StripeObject {
    const object = this.find(kind, id);
    if (!object) throw noSuch(kind, id, param, status);
    return object;
  }

  /** Any object by id, as a copy. */
  get(id: string): StripeObject | undefined {
    const kind = kindOfId(id);
    if (!kind) return undefined;
    const object = this.find(kind, id);
    if (object) return clone(object);
    if (kind === 'customer' && this.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true };
    return undefined;
  }

  /** Every object of a kind, oldest first, as copies. */
  all(kind: ObjectKind): StripeObject[] {
    return [...this.map(kind).values()].sort((a, b) => this.seqOf(a) - this.seqOf(b)).map(clone);
  }

  private seqOf(object: StripeObject): number {
    return this.seq.get(object.id) ?? 0;
  }

  /** A copy of Stripe's example object of this type, to build a new object on. */
  fixture(name: string): StripeObject {
    const fixture = this.fixtures[name];
    if (!fixture) throw new Error(`no Stripe fixture for ${name}`);
    return clone(fixture);
  }

  // ── events ──

  /** Where an event of `type` goes: the tests' target and every enabled endpoint on this machine subscribed to it. */
  deliveryTargets(type: string): WebhookTarget[] {
    const endpoints = this.all('webhook_endpoint')
      .filter((endpoint) => endpoint.status === 'enabled' && isThisMachine(endpoint.url))
      .filter((endpoint) => (endpoint.enabled_events as string[]).some((enabled) => enabled === '*' || enabled === type))
      .map((endpoint) => ({ url: endpoint.url as string, secret: this.webhookSecrets.get(endpoint.id)!, endpoint: endpoint.id as string }));
    return this.webhooks.targetsWith(endpoints);
  }

  recordEvent(type: string, object: StripeObject, ctx: RequestContext, previous?: StripeObject): StripeObject {
    const targets = this.deliveryTargets(type);
    const event: StripeObject = {
      ...this.fixture('event'),
      id: newId.event(),
      object: 'event',
      api_version: this.eventApiVersion ?? ctx.apiVersion ?? this.lastApiVersion ?? DEFAULT_API_VERSION,
      created: ctx.created ?? now(),
      data: previous ? { object: clone(object), previous_attributes: clone(previous) } : { object: clone(object) },
      livemode: false,
      pending_webhooks: targets.length,
      request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
      type,
    };
    this.put('event', event);
    this.webhooks.send(event, targets);
    this.onChange?.();
    return clone(event);
  }

  // ── lists ──

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
  paginate(ordered: StripeObject[], filter: (o: StripeObject) => boolean, params: StripeObject, url: string, cursorKind: ObjectKind | null) {
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

  /** A list endpoint: newest first, `created` bounds, then the resource's own filter. */
  list(kind: ObjectKind, params: StripeObject, filter: (o: StripeObject) => boolean) {
    const created = this.createdFilter(params);
    const ordered = [...this.map(kind).values()].sort(this.compareNewestFirst);
    return this.paginate(ordered, (o) => created(o) && filter(o), params, LIST_URLS[kind], kind);
  }
}
