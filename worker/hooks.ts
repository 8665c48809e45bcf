// The shapes of the seller's hooks (worker/seller-hooks.ts holds their implementations).
import type { Product } from '../catalog';
import type { DownloadLink, LicenceKeyView } from '../contract/api';
import type { Env } from './platform/env';
import type { Order } from './store/orders';
import type { LineItem } from './store/orders';

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
}

/** Side effects of a fulfilled order, after the commit; `order` is as committed. */
export type DeliverHook = (request: DeliveryRequest) => Promise<void>;

export interface RevocationRequest {
  order: Order;
  product: Product | undefined;
  env: Env;
  reason: 'refunded' | 'disputed';
}

/** Side effects of a refund or dispute, after the commit, once per order. */
export type RevokeHook = (request: RevocationRequest) => Promise<void>;
