// What a fulfilled order delivers right now: fresh signed links and its licence keys.
import type { DownloadLink, LicenceKeyView } from '../../contract/api';
import type { Env } from '../env';
import { contentsOfStored } from '../orders/line-items';
import type { Order } from '../store/orders';
import type { LineItem } from '../store/orders';
import { licenceKeyViews } from './licences';
import { downloadLinks } from './links';

export interface OrderDelivery {
  downloads: DownloadLink[];
  licenceKeys: LicenceKeyView[];
}

export async function orderDelivery(order: Order, lineItems: LineItem[], env: Env, nowMs: number): Promise<OrderDelivery> {
  if (order.status !== 'fulfilled') return { downloads: [], licenceKeys: [] };
  const products = await contentsOfStored(order, lineItems, env.DB);
  const [downloads, licenceKeys] = await Promise.all([downloadLinks(order, products, env, nowMs), licenceKeyViews(order, products, env.DB, nowMs)]);
  return { downloads, licenceKeys };
}
