// The local Stripe's public types: what `startLocalStripe` returns, its options, and the
// typed seeds the tests use.
import type { ObjectKind } from './ids';

/** A JSON object as Stripe returns it (typed loosely: cast to `Stripe.Product` etc. where useful). */
export type StripeObject = Record<string, any>;

export interface WebhookTarget {
  url: string;
  secret: string;
  /** The webhook endpoint (`we_…`) this target is, when it is one made through the API. */
  endpoint?: string;
}

export interface LocalStripeOptions {
  /** 0 (default) picks a free port. The server only ever listens on 127.0.0.1. */
  port?: number;
  /** Deliver every recorded event here, signed with `secret` like Stripe does. */
  webhook?: WebhookTarget | null;
  /** Where Stripe's example objects live (default: tools/stripe-fixtures/fixtures3.json, or env STRIPE_FIXTURES). */
  fixturesPath?: string;
  /** Keep the objects in this JSON file between runs (loaded at start, saved after changes). */
  statePath?: string;
  /** Waits before each retry of a failed delivery (default: 1 s, 2 s, 5 s, 10 s, 30 s, 60 s); [] never retries. */
  webhookRetryDelaysMs?: readonly number[];
  /** Deliver some events twice and in a shuffled order (`npm start -- --chaos`). */
  chaos?: boolean;
  /** What chaos draws from (default Math.random): tests pass a fixed sequence. */
  random?: () => number;
  /** Logger for delivery failures and unrecognized URLs (default console.warn; false = silent). */
  log?: ((message: string) => void) | false;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  url: string;
  /** The webhook endpoint (`we_…`) delivered to; null for the tests' own target (setWebhook). */
  endpoint: string | null;
  /** 1 for the first try, then 2, 3, … for retries. */
  attempt: number;
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

export interface LocalStripe {
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
  /** Record (and deliver) an arbitrary event, e.g. one Stripe would send that the local Stripe never emits. */
  recordEvent(type: string, object: StripeObject, options?: { previousAttributes?: StripeObject; created?: number }): StripeObject;

  // Seeding: the same code paths as the API (same validation, same events), without HTTP.
  seedProduct(params: ProductSeed, options?: SeedOptions): StripeObject;
  seedPrice(params: PriceSeed, options?: SeedOptions): StripeObject;
  seedCustomer(params?: CustomerSeed, options?: SeedOptions): StripeObject;
  seedSubscription(params: SubscriptionSeed, options?: SeedOptions): StripeObject;
  seedPaymentLink(params: PaymentLinkSeed, options?: SeedOptions): StripeObject;
  seedCheckoutSession(params: CheckoutSessionSeed, options?: SeedOptions): StripeObject;
  /** Product + one-time price + Payment Link per catalog product (metadata.catalog_id = slug). */
  seedCoupon(params: CouponSeed, options?: SeedOptions): StripeObject;
  /** A promotion code buyers can type on a checkout that allows promotion codes. */
  seedPromotionCode(params: { code: string; coupon: string }, options?: SeedOptions): StripeObject;
  seedCatalog(catalog: { products: CatalogProductSeed[] }, options?: { shopUrl?: string }): SeededCatalogProduct[];

  /** What the hosted page's Pay button does: complete the session, record `checkout.session.completed`, deliver it. */
  completeCheckoutSession(id: string, options?: { email?: string } & CheckoutForm): Promise<StripeObject>;
  /** Expire an open session and record `checkout.session.expired` (same as POST /v1/checkout/sessions/:id/expire). */
  expireCheckoutSession(id: string): Promise<StripeObject>;
}


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
export interface CouponSeed {
  id?: string;
  name?: string;
  percent_off?: number;
  amount_off?: number;
  currency?: string;
  duration?: 'once' | 'repeating' | 'forever';
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

/** What the buyer typed on the checkout page beyond their email, for the options the session asks for. */
export interface CheckoutForm {
  promotionCode?: string;
  shipping?: { name?: string; line1?: string; line2?: string; city?: string; state?: string; postal_code?: string; country?: string };
  phone?: string;
  /** The shipping rate picked (`shr_…`, one of the session's `shipping_options`); default: the first. */
  shippingRate?: string;
}

/** Who asked: stamped on the events a call records (`request.id`, `request.idempotency_key`). */
export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
  apiVersion: string | null;
  /** Backdates what the call creates (seeding). */
  created?: number;
}
