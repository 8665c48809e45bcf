// What a fulfilled order delivers right now: fresh signed links and its licence keys.
import type { Product } from '../../catalog';
import type { DownloadLink, LicenceKeyView } from '../../contract/api';
import type { Env } from '../platform/env';
import type { OrderRecord } from '../store/order-records';
import { licenceKeyViews } from './licences';
import { downloadLinks } from './links';

export interface OrderDelivery {
  downloads: DownloadLink[];
  licenceKeys: LicenceKeyView[];
}

/** From the order as read with its records (no D1 call; the files' sizes come from R2). `products`: `storedContents` of the order. */
export async function orderDelivery(record: OrderRecord, products: Product[], env: Env, nowMs: number): Promise<OrderDelivery> {
  const { order } = record;
  if (order.status !== 'fulfilled') return { downloads: [], licenceKeys: [] };
  const downloads = await downloadLinks(order, products, record.downloadCounts, env, nowMs);
  return { downloads, licenceKeys: licenceKeyViews(order, products, record.licenceKeys) };
}
