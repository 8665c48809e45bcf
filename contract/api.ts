// Every /api request and response body, written once as a schema with its type. The
// worker validates requests with these (Hono's validator, a 400 naming the field), the
// storefront calls through `hc<AppType>`, and the tests build bodies from them.
import * as v from 'valibot';
import { ADMIN_CURSOR, CHECKOUT_SESSION_ID, FILE_KEY, CLIENT_REFERENCE_ID, DOWNLOAD_EXPIRES, DOWNLOAD_SIGNATURE, EMAIL, EVENT_ID, EVENT_TYPE, LICENCE_KEY, PRICE_ID, PRODUCT_ID, PRODUCT_SLUG, REFUND_REQUEST_ID, STRIPE_OBJECT_ID } from './ids';
import { ORDER_STATUSES, type OrderStatus } from './order-states';
import { MAX_ADMIN_PAGE_SIZE, MAX_LICENCE_KEYS_PER_UPLOAD, MAX_LINES, MAX_QUANTITY, MIN_QUANTITY } from './limits';

const JSON_OBJECT = 'body must be a JSON object';
const LINES = `must be a list of 1–${MAX_LINES} lines`;
const QUANTITY = `must be a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}`;
const PRICE = 'must be a Stripe price id (price_…)';

/** A repeated price names the line that repeats it. */
const eachPriceOnce = v.rawCheck<{ price: string; quantity: number }[]>(({ dataset, addIssue }) => {
  if (!dataset.typed) return;
  const seen = new Set<string>();
  dataset.value.forEach((item, index) => {
    if (seen.has(item.price)) {
      addIssue({
        message: `repeats ${item.price}; change its quantity instead`,
        path: [
          { type: 'array', origin: 'value', input: dataset.value, key: index, value: item },
          { type: 'object', origin: 'value', input: item, key: 'price', value: item.price },
        ],
      });
    }
    seen.add(item.price);
  });
});

/** `POST /api/checkout`: prices and quantities only; amounts come from Stripe. */
export const CheckoutRequest = v.object(
  {
    items: v.pipe(
      v.array(
        v.object({
          price: v.pipe(v.string(PRICE), v.regex(PRICE_ID, PRICE)),
          quantity: v.pipe(v.number(QUANTITY), v.integer(QUANTITY), v.minValue(MIN_QUANTITY, QUANTITY), v.maxValue(MAX_QUANTITY, QUANTITY)),
        }),
        LINES,
      ),
      v.minLength(1, LINES),
      v.maxLength(MAX_LINES, LINES),
      eachPriceOnce,
    ),
    clientReferenceId: v.pipe(
      v.string('must be 1–200 characters of A-Z, a-z, 0-9, _ or -'),
      v.regex(CLIENT_REFERENCE_ID, 'must be 1–200 characters of A-Z, a-z, 0-9, _ or -'),
    ),
    email: v.optional(v.nullable(v.pipe(v.string('is not an email address'), v.regex(EMAIL, 'is not an email address')))),
  },
  JSON_OBJECT,
);
export type CheckoutRequest = v.InferOutput<typeof CheckoutRequest>;

/**
 * `POST /api/checkout`: where the buyer pays, as the shop's config says (never the request):
 * Stripe's hosted page to go to, or an embedded session for Stripe.js to mount on the cart page.
 */
export type CheckoutResponse =
  | {
      /** Stripe's hosted checkout page for the session. */
      url: string;
    }
  | {
      /** The embedded session's `client_secret`, for `stripe.createEmbeddedCheckoutPage`. */
      clientSecret: string;
      /** The shop's publishable key (`pk_…`, public) for `loadStripe`. */
      publishableKey: string;
    };

/** `POST /api/portal`: the buyer whose subscriptions to manage (proven like the entitlements). */
export const PortalRequest = v.object(
  {
    clientReferenceId: v.pipe(
      v.string('must be 1–200 characters of A-Z, a-z, 0-9, _ or -'),
      v.regex(CLIENT_REFERENCE_ID, 'must be 1–200 characters of A-Z, a-z, 0-9, _ or -'),
    ),
  },
  JSON_OBJECT,
);
export type PortalRequest = v.InferOutput<typeof PortalRequest>;

export interface PortalResponse {
  /** Stripe's customer portal for the buyer's own customer; short-lived. */
  url: string;
}

export const SYNC_RESOURCES = ['products', 'prices', 'customers', 'subscriptions', 'payment_links'] as const;
export type SyncResource = (typeof SYNC_RESOURCES)[number];

const cursor = v.optional(v.nullable(v.pipe(v.string('must be a Stripe object id'), v.regex(STRIPE_OBJECT_ID, 'must be a Stripe object id'))));

/** `POST /api/admin/sync`: one page of one resource. */
export const SyncRequest = v.object(
  {
    resource: v.picklist(SYNC_RESOURCES, `must be one of ${SYNC_RESOURCES.join(', ')}`),
    startingAfter: cursor,
  },
  JSON_OBJECT,
);
export type SyncRequest = v.InferOutput<typeof SyncRequest>;

/** `POST /api/admin/resync`: one mirrored object, or an order (its session, payment, charges, subscription), refetched from Stripe. */
export const ResyncRequest = v.object(
  {
    resource: v.picklist([...SYNC_RESOURCES, 'orders'], `must be one of ${[...SYNC_RESOURCES, 'orders'].join(', ')}`),
    id: v.pipe(v.string('must be a Stripe object id'), v.regex(STRIPE_OBJECT_ID, 'must be a Stripe object id')),
  },
  JSON_OBJECT,
);
export type ResyncRequest = v.InferOutput<typeof ResyncRequest>;

export interface ResyncResponse {
  resource: ResyncRequest['resource'];
  id: string;
  /** What was refetched and applied through the webhook's ordering guards: "products/prod_…", "orders/cs_…", "charges/ch_…". */
  applied: string[];
  /** The mirrored columns that differed from Stripe before the resync, per object. */
  differed: Record<string, string[]>;
}

/** One difference a reconciliation found between Stripe and the shop, and what became of it. */
export interface DriftEntry {
  /** products, prices, customers, subscriptions, payment_links, or events */
  resource: string;
  objectId: string;
  /** missing: Stripe has it, the mirror did not; changed: columns differed; missed_event: Stripe sent it, the ledger never handled it. */
  kind: 'missing' | 'changed' | 'missed_event';
  fields: string[] | null;
  outcome: 'repaired' | 'needs_seller';
  detail: string | null;
}

/** `POST /api/admin/reconcile` (one bounded step of a run) and `GET /api/admin/reconcile` (the latest run). */
export interface ReconcileResponse {
  run: { id: string; trigger: 'cron' | 'admin'; startedAt: string; finishedAt: string | null; pages: number; compared: number } | null;
  /** Stripe list pages this call read (0 for a GET). */
  pagesThisCall: number;
  drift: DriftEntry[];
}

export interface SyncResponse {
  synced: number;
  hasMore: boolean;
  next: string | null;
}

/** `POST /api/admin/replay`: one page of the last 30 days' events. */
export const ReplayRequest = v.object({ startingAfter: cursor }, JSON_OBJECT);
export type ReplayRequest = v.InferOutput<typeof ReplayRequest>;

export interface ReplayResponse {
  replayed: number;
  skipped: number;
  hasMore: boolean;
  next: string | null;
}

/** `POST /api/admin/outbox/sweep` (body `{}`): what the Cron Trigger does, for `npm start`; how many lost rows were re-sent. */
export interface OutboxSweepResponse {
  swept: number;
}

/** `GET /api/orders/:sessionId`. */
export const SessionIdParam = v.object({
  sessionId: v.pipe(v.string(), v.regex(CHECKOUT_SESSION_ID, 'not a Checkout Session id (expected cs_test_… or cs_live_…)')),
});

/** `GET /api/entitlements/:clientReferenceId`. */
export const ClientReferenceIdParam = v.object({
  clientReferenceId: v.pipe(v.string(), v.regex(CLIENT_REFERENCE_ID, 'not a client reference id (1–200 characters of A-Z, a-z, 0-9, _ or -)')),
});

/** `GET /api/catalog/products/:id`. */
export const ProductIdParam = v.object({
  id: v.pipe(v.string(), v.regex(PRODUCT_ID, 'not a product id (a Stripe product id or a catalog slug)')),
});

export { ORDER_STATUSES, type OrderStatus };

export interface LineItemView {
  price: string | null;
  product: string | null;
  description: string | null;
  quantity: number;
  amountTotal: number | null;
  currency: string | null;
}

/** `GET /api/orders/:sessionId`: what the buyer's success page may see — nothing beyond their own order, no email. */
export interface OrderResponse {
  id: string;
  status: OrderStatus;
  clientReferenceId: string | null;
  /** What was paid, after any discount. */
  amountTotal: number | null;
  /** What a promotion code or coupon took off (0 or null: none). */
  amountDiscount: number | null;
  currency: string | null;
  product: { id: string; name: string } | null;
  /** A subscription was started: the page offers Manage subscription (`POST /api/portal`). */
  subscription: boolean;
  fulfilledAt: string | null;
  deliveryToken: string | null;
  livemode: boolean;
  createdAt: string;
  updatedAt: string;
  lineItems: LineItemView[];
  /** Fresh signed links, one per file of each digital product bought; [] unless the order is fulfilled. */
  downloads: DownloadLink[];
  /** One per licensed product bought; [] unless the order is fulfilled. */
  licenceKeys: LicenceKeyView[];
  /** Goods to ship: what shipping cost and, once the seller shipped it, the carrier and tracking number; null when nothing ships. */
  shipment: OrderShipmentView | null;
  /**
   * For an order that started a subscription: whether its subscription products' files and licence
   * keys are served now (they follow the subscription; one-time products bought with it are kept).
   * Null for an order without a subscription, or not fulfilled (it serves nothing either way).
   */
  subscriptionAccess: SubscriptionAccessView | null;
}

/** A physical order's shipping as its buyer sees it (the address stays seller-only). */
export interface OrderShipmentView {
  /** What shipping cost (minor units of the order's currency); null when none was charged. */
  amount: number | null;
  carrier: string | null;
  trackingNumber: string | null;
  /** The carrier's tracking page, when the carrier is one the shop knows (catalog/shipping.ts). */
  trackingUrl: string | null;
  shippedAt: string | null;
}

/**
 * `GET /api/orders/:sessionId`'s 404. `awaitingWebhook`: the shop cannot ask Stripe (it has no
 * secret key), so a session paid moments ago may still arrive by its webhook: worth asking again.
 * Otherwise the answer is final (a mistyped id, or one Stripe does not know).
 */
export interface OrderNotFoundResponse {
  error: string;
  awaitingWebhook: boolean;
}

/** What a subscription gives access to right now, and why not. */
export interface SubscriptionAccessView {
  /** Stripe's status of the subscription (`active`, `past_due`, `canceled`, …); null until Stripe has reported it. */
  status: string | null;
  allowed: boolean;
  /** Why its files and licence keys are not served (null when they are), e.g. "this subscription was canceled: …". */
  reason: string | null;
  /** past_due within its grace: when access ends unless the payment is made (ISO); else null. */
  graceEndsAt: string | null;
}

/** A signed, expiring link to one file of a fulfilled order (`GET /downloads/…`). */
export interface DownloadLink {
  product: { id: string; name: string };
  /** What the Download button says (the catalog's `name`). */
  name: string;
  /** The file name the download is saved as. */
  filename: string;
  /** Bytes. */
  size: number;
  contentType: string;
  /** Absolute path with its signature, e.g. `/downloads/dl_…/field-notes/x.pdf?expires=…&signature=…`. */
  url: string;
  expiresAt: string;
  /** Downloads of this file this order may make, and has made. */
  limit: number;
  used: number;
  /** The seller's note on the newest version when the file was replaced since the catalog's first (`npm run files -- put … --note`); else null. */
  update: FileUpdate | null;
}

/** A newer version of a catalog file: its number (2 and up), what changed, and when it was published (ISO). */
export interface FileUpdate {
  version: number;
  note: string;
  publishedAt: string;
}

/** A licence key bought with the order; `key` is null while a pool product waits for the seller's keys. */
export interface LicenceKeyView {
  product: { id: string; name: string };
  key: string | null;
}

/** The query of a download link; the path carries the delivery token and the file's key. */
export const DownloadQuery = v.object({
  expires: v.pipe(v.string('must be unix seconds'), v.regex(DOWNLOAD_EXPIRES, 'must be unix seconds')),
  signature: v.pipe(v.string('must be a link signature'), v.regex(DOWNLOAD_SIGNATURE, 'must be a link signature')),
});
export type DownloadQuery = v.InferOutput<typeof DownloadQuery>;

const KEYS = `must be a list of 1–${MAX_LICENCE_KEYS_PER_UPLOAD} licence keys`;

/** `POST /api/admin/licence-keys`: keys for a pool product; keys already in the pool are skipped. */
export const LicenceKeysRequest = v.object(
  {
    product: v.pipe(v.string('must be a catalog product id'), v.regex(PRODUCT_SLUG, 'must be a catalog product id')),
    keys: v.pipe(
      v.array(v.pipe(v.string('must be a licence key'), v.regex(LICENCE_KEY, 'must be 4–200 printable characters without spaces')), KEYS),
      v.minLength(1, KEYS),
      v.maxLength(MAX_LICENCE_KEYS_PER_UPLOAD, KEYS),
    ),
  },
  JSON_OBJECT,
);
export type LicenceKeysRequest = v.InferOutput<typeof LicenceKeysRequest>;

export interface LicenceKeysResponse {
  added: number;
  /** Keys of the product not yet assigned to an order. */
  available: number;
}

/** One active Price of a live product. */
export interface LivePrice {
  id: string;
  currency: string;
  /** In the currency's minor unit; null for prices without a fixed amount. */
  unitAmount: number | null;
  type: 'one_time' | 'recurring';
  /** `month`, `year`, … for recurring prices, else null. */
  interval: string | null;
}

/** One active Stripe Product with its active Prices, the default price first. */
export interface LiveProduct {
  id: string;
  name: string;
  description: string | null;
  /** The storefront catalog's slug, from the Stripe product's `metadata.catalog_id`. */
  catalogId: string | null;
  prices: LivePrice[];
}

/** `GET /api/catalog`. */
export interface CatalogResponse {
  /** The worker can create Checkout Sessions (it has a Stripe key): the cart may be offered. */
  checkout: boolean;
  products: LiveProduct[];
}

/** `GET /api/catalog/products/:id`: the product, or null when it is not on sale. */
export interface ProductResponse {
  checkout: boolean;
  /** Some live product names a storefront slug: a slug missing from the live catalog is archived. */
  speaksForSlugs: boolean;
  product: LiveProduct | null;
}

/** `GET /api/entitlements/:clientReferenceId`. */
export interface EntitlementsResponse {
  clientReferenceId: string;
  products: { orderId: string; product: { id: string; name: string } | null; fulfilledAt: string | null }[];
  /**
   * The subscriptions whose files and licence keys are served now (the order API's `subscriptionAccess.allowed`).
   * `status` is null while Stripe has not reported the subscription yet (its events are on their way).
   */
  subscriptions: { subscriptionId: string; status: string | null; cancelAtPeriodEnd: boolean; products: { id: string; name: string | null }[] }[];
}

/** Every error the API answers. */
export interface ErrorResponse {
  error: string;
}

// ─── the back office (/api/admin/*) ─────────────────────────────────────────

export const LEDGER_STATUSES = ['received', 'processed', 'failed', 'ignored'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

const pageQuery = {
  cursor: v.optional(v.pipe(v.string(), v.regex(ADMIN_CURSOR, 'must be a cursor from a previous page'))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_ADMIN_PAGE_SIZE}`),
      v.transform(Number),
      v.minValue(1, `must be a whole number from 1 to ${MAX_ADMIN_PAGE_SIZE}`),
      v.maxValue(MAX_ADMIN_PAGE_SIZE, `must be a whole number from 1 to ${MAX_ADMIN_PAGE_SIZE}`),
    ),
  ),
};

/** `GET /api/admin/orders?status=&q=&cursor=&limit=`: newest first; `q` is a session id, payment intent, an email or its beginning (`ada@`), a domain (`example.com`, `@example.com`), a client reference or words of a product's name. */
export const AdminOrdersQuery = v.object({
  status: v.optional(v.picklist(ORDER_STATUSES, `must be one of ${ORDER_STATUSES.join(', ')}`)),
  q: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(254, 'must be at most 254 characters'))),
  ...pageQuery,
});
export type AdminOrdersQuery = v.InferOutput<typeof AdminOrdersQuery>;

const DAY = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD'), v.check((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)), 'must be a date, YYYY-MM-DD'));

/** `GET /api/admin/orders.csv?from=&to=&cursor=`: orders created from `from` to `to` (UTC days, both included), at most 366 days, a page of CSV at a time. */
export const AdminOrdersExportQuery = v.pipe(
  v.object({ from: DAY, to: DAY, cursor: pageQuery.cursor }),
  v.check(({ from, to }) => from <= to, 'from must not be after to'),
  v.check(({ from, to }) => Date.parse(to) - Date.parse(from) <= 365 * 86_400_000, 'the range must be at most 366 days'),
);
export type AdminOrdersExportQuery = v.InferOutput<typeof AdminOrdersExportQuery>;

/** `GET /api/admin/customers?email=…` or `?customer=cus_…`: every order of one buyer, newest first. */
export const AdminCustomerQuery = v.pipe(
  v.object({
    email: v.optional(v.pipe(v.string(), v.trim(), v.regex(EMAIL, 'must be an email address'))),
    customer: v.optional(v.pipe(v.string(), v.regex(/^cus_[A-Za-z0-9]{1,250}$/, 'must be a Stripe customer id (cus_…)'))),
    ...pageQuery,
  }),
  v.check((query) => (query.email === undefined) !== (query.customer === undefined), 'give email or customer (cus_…), one of them'),
);
export type AdminCustomerQuery = v.InferOutput<typeof AdminCustomerQuery>;

/** `GET /api/admin/subscriptions?cursor=&limit=`: the orders that started a subscription, newest first. */
export const AdminSubscriptionsQuery = v.object({ ...pageQuery });
export type AdminSubscriptionsQuery = v.InferOutput<typeof AdminSubscriptionsQuery>;

/** `GET /api/admin/events?status=&type=&cursor=&limit=`: the ledger, newest first. */
export const AdminEventsQuery = v.object({
  status: v.optional(v.picklist(LEDGER_STATUSES, `must be one of ${LEDGER_STATUSES.join(', ')}`)),
  /** `1`: only the failed events the events queue gave up on (its dead-letter queue). */
  deadLettered: v.optional(v.picklist(['1'], 'must be 1')),
  type: v.optional(v.pipe(v.string(), v.regex(EVENT_TYPE, 'must be a Stripe event type (charge.refunded)'))),
  ...pageQuery,
});
export type AdminEventsQuery = v.InferOutput<typeof AdminEventsQuery>;

export const AdminOrderParam = v.object({
  id: v.pipe(v.string(), v.regex(CHECKOUT_SESSION_ID, 'not a Checkout Session id (expected cs_test_… or cs_live_…)')),
});

export const AdminEventParam = v.object({ id: v.pipe(v.string(), v.regex(EVENT_ID, 'not a Stripe event id (evt_…)')) });

/** `POST /api/admin/orders/:id/refund`: the whole payment unless `amount` (minor units) says less. */
export const AdminRefundRequest = v.object(
  {
    amount: v.optional(v.pipe(v.number('must be a whole number of minor units'), v.integer('must be a whole number of minor units'), v.minValue(1, 'must be at least 1'))),
    requestId: v.pipe(v.string('must be 16–64 characters of A-Z, a-z, 0-9, _ or -'), v.regex(REFUND_REQUEST_ID, 'must be 16–64 characters of A-Z, a-z, 0-9, _ or -')),
  },
  JSON_OBJECT,
);
export type AdminRefundRequest = v.InferOutput<typeof AdminRefundRequest>;

/** An order as the seller sees it: the buyer's email included (never in the buyer-facing API). */
export interface AdminOrder {
  id: string;
  status: OrderStatus;
  clientReferenceId: string | null;
  customerEmail: string | null;
  paymentIntent: string | null;
  product: { id: string; name: string } | null;
  /** Every line bought, in order: a cart order is named by all of them, never by its first. */
  lines: { name: string; quantity: number }[];
  /** What was paid, after any discount. */
  amountTotal: number | null;
  /** What came back to the buyer so far, by refunds Stripe signed (minor units). */
  amountRefunded: number;
  /** What the shop keeps: amountTotal − amountRefunded (null when amountTotal is). */
  amountNet: number | null;
  currency: string | null;
  livemode: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A subscription as the seller sees it: the order that started it and Stripe's last word on it (null fields: not reported yet). */
export interface AdminSubscription {
  id: string;
  orderId: string;
  customerEmail: string | null;
  clientReferenceId: string | null;
  startedAt: string;
  status: string | null;
  /** The buyer (or the seller in Stripe) cancelled it: it ends when the current period does. */
  cancelAtPeriodEnd: boolean | null;
  /** `customer.subscription.deleted` arrived: it is over. */
  ended: boolean;
  currentPeriodStart: string | null;
  currentPeriodEnd: string | null;
  /** The Stripe customer paying for it, from the mirror (null: not reported yet). */
  customer: string | null;
}

export interface AdminSubscriptionsResponse {
  subscriptions: AdminSubscription[];
  next: string | null;
}

export interface AdminOrdersResponse {
  orders: AdminOrder[];
  /** The cursor of the next page; null on the last. */
  next: string | null;
  /** A search by domain or product read only the newest this many orders (no index holds those). */
  searchedNewest?: number;
}

/** One buyer as the seller sees them: their orders (by email), and the Stripe customer when asked by its id. */
export interface AdminCustomerResponse {
  /** The email the orders are found by; null when a Stripe customer has none (then no orders are listed). */
  email: string | null;
  /** The Stripe customer from the mirror (asked by `customer=`), null when asked by email or not mirrored. */
  customer: { id: string; name: string | null; email: string | null; deleted: boolean } | null;
  orders: AdminOrder[];
  /** This page's orders summed per currency: paid, refunded, net. */
  totals: { currency: string; orders: number; paid: number; refunded: number; net: number }[];
  next: string | null;
}

/** `POST /api/admin/orders/:id/downloads-reset`: one file's download count back to 0, with why. */
export const AdminDownloadsResetRequest = v.object(
  {
    file: v.pipe(v.string('must be the file key, as the order lists it'), v.minLength(1, 'must be the file key, as the order lists it'), v.maxLength(1024, 'must be the file key, as the order lists it')),
    reason: v.pipe(v.string('must say why (1–500 characters)'), v.trim(), v.minLength(1, 'must say why (1–500 characters)'), v.maxLength(500, 'must say why (1–500 characters)')),
  },
  JSON_OBJECT,
);
export type AdminDownloadsResetRequest = v.InferOutput<typeof AdminDownloadsResetRequest>;

export interface AdminDownloadsResetResponse {
  file: string;
  /** The count before the reset. */
  was: number;
  message: string;
}

/** Orders whose money the shop keeps (contract/order-states.ts KEEPS_MONEY) in one currency, and what they took net of refunds. */
export interface SalesTotal {
  currency: string;
  orders: number;
  /** Renewals of subscription orders paid in the window (a subscription's first period is its order's). */
  renewals: number;
  /** Net: paid minus refunded, orders and renewals. */
  amount: number;
}

export interface SalesTotals {
  today: SalesTotal[];
  last7Days: SalesTotal[];
  last30Days: SalesTotal[];
}

export interface AdminLedgerEvent {
  id: string;
  type: string;
  status: LedgerStatus;
  attempts: number;
  lastError: string | null;
  note: string | null;
  livemode: boolean;
  created: string;
  receivedAt: string;
  processedAt: string | null;
  /** When the events queue gave up on it (after its deliveries); only Retry runs it again. */
  deadLetteredAt: string | null;
}

export interface AdminAction {
  at: string;
  actor: string;
  action: string;
  detail: unknown;
}

/** Where a physical order ships, as the buyer gave it to Stripe. */
export interface ShippingAddressView {
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface AdminOrderDetail {
  order: AdminOrder & { deliveryToken: string | null; fulfilledAt: string | null; revokedAt: string | null };
  /** What a promotion code or coupon took off (amountTotal is after it); null without one. */
  discount: { amount: number; promotionCode: string | null; coupon: string | null } | null;
  /** Seller-only, never in the buyer-facing API: the shipping address (physical products) and phone collected at checkout. */
  shipping: ShippingAddressView | null;
  phone: string | null;
  lineItems: LineItemView[];
  /** The licence keys issued to it: one per unit bought of a licensed product (unit from 0). */
  licenceKeys: { product: string; unit: number; key: string }[];
  /** How often each of its files was downloaded (files never downloaded are absent). */
  downloadCounts: { file: string; count: number; lastAt: string }[];
  /** Every event that touched the order, oldest first, with its outcome. */
  events: AdminLedgerEvent[];
  /** What the seller did to it. */
  actions: AdminAction[];
  /** Its side effects: delivery and revocation, with attempts and the last error. */
  outbox: { kind: 'delivered' | 'revoked'; status: 'pending' | 'done' | 'dead'; attempts: number; lastError: string | null; doneAt: string | null }[];
  /** What the buyer paid for shipping (minor units of the order's currency); null when none was charged. */
  amountShipping: number | null;
  /** Set by the seller's mark shipped (physical goods); null before. `trackingUrl`: the carrier's page, when the carrier is one the shop knows. */
  shipment: { carrier: string | null; trackingNumber: string | null; trackingUrl: string | null; shippedAt: string | null } | null;
  /** What was emailed to the buyer about it, oldest first: sent (done, with when), pending, or given up (dead, with why). */
  emails: AdminOrderEmail[];
  can: { refund: boolean; rerunFulfilment: boolean; revokeAccess: boolean; restoreAccess: boolean; markShipped: boolean; markDelivered: boolean; resendReceipt: boolean };
  /** A subscription order's billing periods, oldest first (the first is the order's own); [] for other orders. */
  periods: SubscriptionPeriodView[];
}

/** One billing period of a subscription order: an invoice Stripe signed, paid or not, and what came back of its charge. */
export interface SubscriptionPeriodView {
  invoice: string;
  /** The subscription's first invoice: its money is the order's own amount. */
  first: boolean;
  start: string | null;
  end: string | null;
  status: 'paid' | 'failed' | 'action_required';
  amountDue: number;
  amountPaid: number;
  amountRefunded: number;
  currency: string | null;
  paymentIntent: string | null;
  /** A refund or dispute of the period's charge; null when none. */
  moneyStatus: 'partially_refunded' | 'refunded' | 'disputed' | 'dispute_won' | 'dispute_lost' | null;
  paidAt: string | null;
}

/** `POST /api/admin/orders/:id/revoke-access` and `/restore-access`: the seller's hand on access; no money moves. */
export const AdminAccessRequest = v.object(
  {
    reason: v.pipe(v.string('must say why (1–500 characters)'), v.trim(), v.minLength(1, 'must say why (1–500 characters)'), v.maxLength(500, 'must say why (1–500 characters)')),
  },
  JSON_OBJECT,
);
export type AdminAccessRequest = v.InferOutput<typeof AdminAccessRequest>;

const SHIP_TEXT = (what: string) => `must be the ${what} (1–100 characters)`;
const SHIP_DATE = 'must be the day it shipped, as YYYY-MM-DD';

/** `POST /api/admin/orders/:id/mark-shipped`: a physical order awaiting shipment leaves with a carrier and a tracking number. */
export const AdminShipRequest = v.object(
  {
    carrier: v.pipe(v.string(SHIP_TEXT('carrier')), v.trim(), v.minLength(1, SHIP_TEXT('carrier')), v.maxLength(100, SHIP_TEXT('carrier'))),
    trackingNumber: v.pipe(v.string(SHIP_TEXT('tracking number')), v.trim(), v.regex(/^[A-Za-z0-9 -]{1,100}$/, 'must be the tracking number (1–100 letters, digits, spaces or dashes)')),
    /** The day it left (YYYY-MM-DD, not in the future); default: today. */
    shippedOn: v.optional(v.pipe(v.string(SHIP_DATE), v.isoDate(SHIP_DATE))),
    note: v.optional(v.pipe(v.string('must be a note (at most 500 characters)'), v.maxLength(500, 'must be a note (at most 500 characters)'))),
  },
  JSON_OBJECT,
);
export type AdminShipRequest = v.InferOutput<typeof AdminShipRequest>;

/** `POST /api/admin/orders/:id/mark-delivered`: a shipped order arrived (the carrier or the buyer said so). */
export const AdminDeliverRequest = v.object(
  { note: v.optional(v.pipe(v.string('must be a note (at most 500 characters)'), v.maxLength(500, 'must be a note (at most 500 characters)'))) },
  JSON_OBJECT,
);
export type AdminDeliverRequest = v.InferOutput<typeof AdminDeliverRequest>;

export interface AdminResendReceiptResponse {
  message: string;
}

export interface AdminOrderEmail {
  template: 'receipt' | 'payment_pending' | 'payment_failed' | 'access_ended' | 'renewal' | 'library_link' | 'file_updated';
  to: string | null;
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  lastError: string | null;
  queuedAt: string;
  sentAt: string | null;
}

export interface AdminAccessResponse {
  orderStatus: OrderStatus;
  message: string;
}

export interface AdminRefundResponse {
  refund: { id: string; status: string | null; amount: number; currency: string };
  /** The order itself changes when Stripe's charge.refunded webhook arrives. */
  orderStatus: OrderStatus;
  message: string;
}

export interface AdminRerunResponse {
  orderStatus: OrderStatus;
  message: string;
}

export interface AdminEventsResponse {
  events: AdminLedgerEvent[];
  next: string | null;
  counts: Record<LedgerStatus, number>;
  /** Failed events the events queue dead-lettered (counted in `counts.failed` too). */
  deadLettered: number;
  /** Where an accepted event waits before its commit: `queue` (the EVENTS queue) or `sync` (none: committed on its request). */
  processing: 'queue' | 'sync';
  /**
   * Events accepted (Stripe was answered 200) that wait on the events queue for their commit, so
   * are not listed yet: how many, and since when the oldest (ISO). Null in sync mode, or when the
   * queue does not say.
   */
  queued: { count: number; oldestAt: string | null } | null;
  ignoredByType: { type: string; count: number }[];
}

export interface AdminRetryResponse {
  results: { id: string; outcome: 'processed' | 'ignored' | 'duplicate' | 'held' | 'failed' | 'not_failed'; error?: string }[];
  /** Failed events left after this call (retry-all runs a bounded number per call). */
  remainingFailed: number;
}

/**
 * One line of the Health page and of `npm run doctor`: what was checked, whether it holds, and
 * when it does not, the command or setting that fixes it.
 */
export interface HealthCheck {
  /** Stable, e.g. `webhook:enabled`, `file:field-notes/pack.pdf`, `product:field-notes`. */
  id: string;
  ok: boolean;
  title: string;
  detail: string;
  /** What to do about it (null when ok). */
  fix: string | null;
}

export interface AdminHealthResponse {
  mode: 'test' | 'live';
  configured: {
    webhookSecrets: number;
    stripeKey: boolean;
    syncToken: boolean;
    access: boolean;
    outboxQueue: boolean;
    catalogCache: boolean;
    /** The provider that sends the shop's email, null when none is configured (buyers get no receipt). */
    email: 'resend' | 'postmark' | null;
  };
  lastEvent: { id: string; type: string; receivedAt: string; ageSeconds: number } | null;
  failedEvents: number;
  deadOutboxRows: number;
  mirror: Record<string, { rows: number; deleted: number; lastUpdatedAt: string | null }>;
  lastSync: { at: string; actor: string; resource: string } | null;
  catalogSnapshot: { ageSeconds: number } | null;
  /** The Stripe API version the worker is written for, and events held because they were rendered at another one. */
  apiVersion: { pinned: string; heldEvents: number };
  /** Open incidents (worker/admin/alerts.ts), each with what to do; shown in red. */
  alerts: { incident: string; kind: string; openedAt: string; message: string; whatToDo: string }[];
  warnings: string[];
  /** Every check of the shop's wiring, red ones with their fix (worker/admin/health-checks.ts). */
  checks: HealthCheck[];
}

/** `POST /api/admin/files/notify`: tell the next past buyers of a catalog file about its newest version. */
export const AdminFileNotifyRequest = v.strictObject(
  { key: v.pipe(v.string('must be a catalog file key'), v.regex(FILE_KEY, 'must be a catalog file key')) },
  'body must be a JSON object with just the file key: {"key":"…"}',
);
export type AdminFileNotifyRequest = v.InferOutput<typeof AdminFileNotifyRequest>;

/** One catalog file as the seller sees it: its newest version, and how many past buyers were told of it. */
export interface AdminFileView {
  key: string;
  product: { id: string; name: string };
  name: string;
  /** 1 until a new version is published with `npm run files -- put <key> <path> --note …`. */
  version: number;
  update: FileUpdate | null;
  /** Past buyers queued a message about this version so far, and those not yet (0 and 0 for version 1). */
  told: number;
  untold: number;
}

/** `GET /api/admin/files`. */
export interface AdminFilesResponse {
  files: AdminFileView[];
}

/** `POST /api/admin/files/notify`'s answer: messages queued by this call, and past buyers still untold. */
export interface AdminFileNotifyResponse {
  version: number;
  queued: number;
  untold: number;
  message: string;
}
