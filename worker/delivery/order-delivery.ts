// What a fulfilled order delivers right now: fresh signed links and its licence keys, for the
// products it still serves (a subscription's only while the subscription is in force).
import type { Product } from '../../catalog';
import type { DownloadLink, LicenceKeyView, SubscriptionAccessView } from '../../contract/api';
import { servesAccess } from '../../contract/order-states';
import type { Env } from '../platform/env';
import type { OrderRecord } from '../store/order-records';
import type { StoredContents } from './order-products';
import { licenceKeyViews } from './licences';
import { downloadLinks } from './links';
import { periodsPaid } from './renewals';
import { orderSubscriptionAccess, servedProducts, subscriptionAccessView, type SubscriptionAccess } from './subscription-access';

export interface OrderDelivery {
  downloads: DownloadLink[];
  licenceKeys: LicenceKeyView[];
  subscriptionAccess: SubscriptionAccessView | null;
}

export interface Deliverable {
  /** The products whose files and licence keys are served now. */
  products: Product[];
  /** Units bought of each product: one licence key per unit. */
  units: ReadonlyMap<string, number>;
  /** The subscription's access; null for an order without one, or not fulfilled. */
  access: SubscriptionAccess | null;
}

/** What a fulfilled order serves now. `contents`: `storedContents` of the order. */
export function deliverable(record: OrderRecord, contents: StoredContents, env: Env, nowMs: number): Deliverable {
  if (!servesAccess(record.order.status)) return { products: [], units: contents.units, access: null };
  const access = orderSubscriptionAccess(record.order, record.subscription, env, nowMs);
  return { products: servedProducts(record.order, contents.products, access), units: contents.units, access };
}

/** From the order as read with its records (no D1 call; the files' sizes come from R2). */
export async function orderDelivery(record: OrderRecord, served: Deliverable, env: Env, nowMs: number): Promise<OrderDelivery> {
  const { order } = record;
  const subscriptionAccess = subscriptionAccessView(served.access);
  if (!servesAccess(order.status)) return { downloads: [], licenceKeys: [], subscriptionAccess };
  const downloads = await downloadLinks(order, served.products, record.downloadCounts, record.fileVersions, env, nowMs, periodsPaid(record));
  return { downloads, licenceKeys: licenceKeyViews(order, served.products, served.units, record.licenceKeys), subscriptionAccess };
}
