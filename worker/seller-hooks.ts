// The seller's hooks: what happens once an order is paid, and once its money goes back.
// Replace the defaults with your own.
//
// - `fulfil` decides what to record with the order (a download token; later links,
//   licence keys). It must be pure — no emails, no HTTP calls: it may run for a
//   delivery that turns out to be a duplicate, and only the winner's result is kept.
// - `deliver` carries out the side effects of a fulfilled order (send the links,
//   notify the warehouse). It runs after the order is committed, from the outbox
//   queue: retried with backoff until it succeeds, then never again for that order.
//   Towards the outside world that is at least once: pass `order.id` as the
//   idempotency key (e.g. an Idempotency-Key header) so a repeat does nothing.
// - `revoke` is the counterpart of `deliver` for a full refund or a dispute: once
//   per order, from the outbox, same contract.
import type { Product } from '../catalog';
import type { DownloadLink, LicenceKeyView } from '../contract/api';
import type { REVOKES_ACCESS } from '../contract/order-states';
import { randomId } from './platform/ids';
import type { Env } from './platform/env';
import type { LineItem, Order } from './store/orders';
import type { RenewalPeriod } from './store/subscription-periods';

// ─── the defaults ───────────────────────────────────────────────────────────

export const fulfil: FulfilHook = ({ products }) => ({
  deliveryToken: products.some((product) => product.digital) ? `dl_${randomId(32)}` : null,
});

/** The default sends nothing: the success page shows the order. Log it for the seller. */
export const deliver: DeliverHook = async ({ order, products, downloads, licenceKeys, period }) => {
  console.log(
    JSON.stringify({ msg: 'order delivered', order: order.id, ...(period ? { period: period.invoice } : {}), products: products.map((product) => product.id), files: downloads.length, licenceKeys: licenceKeys.length }),
  );
};

/** The default: the order's status change is the revocation — its delivery token stops working. */
export const revoke: RevokeHook = async ({ order, reason }) => {
  console.log(JSON.stringify({ msg: 'order revoked', order: order.id, reason }));
};

/** The hooks the shop runs with. */
export const sellerHooks: SellerHooks = { fulfil, deliver, revoke };

// ─── their shapes ───────────────────────────────────────────────────────────

export interface SellerHooks {
  fulfil: FulfilHook;
  deliver: DeliverHook;
  revoke: RevokeHook;
}

export interface FulfilmentRequest {
  order: Order;
  /** The catalog product the session was for, when it names one. */
  product: Product | undefined;
  /** Every catalog product among the lines (a cart may hold several). */
  products: Product[];
  /** What was bought, line by line (see worker/orders/line-items.ts). */
  lineItems: LineItem[];
  env: Env;
}

export interface Fulfilment {
  /** Shown on the success page for digital goods; null when there is nothing to download. */
  deliveryToken: string | null;
}

/** Pure: what to record with the fulfilled order. */
export type FulfilHook = (request: FulfilmentRequest) => Fulfilment | Promise<Fulfilment>;

/** What the deliver hook gets: the order as committed, with what it delivers now. */
export interface DeliveryRequest extends FulfilmentRequest {
  /**
   * Signed links to the order's files, fresh (they expire: DOWNLOAD_LINK_TTL_SECONDS), paths
   * relative to the shop's origin. An email should rather link to the order's success page,
   * which always signs fresh ones.
   */
  downloads: DownloadLink[];
  licenceKeys: LicenceKeyView[];
  /**
   * Set for a subscription's renewal: the period just paid (`number` 2 is the first renewal).
   * `deliver` then runs once per order and period; pass `${order.id}:${period.invoice}` as the
   * idempotency key. `downloads` holds every file the order serves now, this period's included.
   */
  period?: RenewalPeriod;
}

/** Side effects of a fulfilled order, after the commit; `order` is as committed. */
export type DeliverHook = (request: DeliveryRequest) => Promise<void>;

export interface RevocationRequest {
  order: Order;
  product: Product | undefined;
  env: Env;
  /** A full refund, a dispute opened or lost, or the seller's revoke (contract/order-states.ts REVOKES_ACCESS). */
  reason: (typeof REVOKES_ACCESS)[number];
}

/** Side effects of a refund or dispute, after the commit, once per order. */
export type RevokeHook = (request: RevocationRequest) => Promise<void>;
