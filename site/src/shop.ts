// The catalog the pages render: the build-time catalog at once, then the live one from the worker.
import { catalog } from '../../catalog';
import { API_BASE } from './config';
import { buildTimeShop, liveShop, type Shop } from '../../catalog/live';
import { fetchLiveCatalog, fetchLiveProduct } from './live-catalog';

export type { Shop };

/** The build-time catalog alone: no cart until the live catalog says the worker can check out. */
export function initialShop(): Shop {
  return buildTimeShop(catalog.products);
}

/** The live catalog merged over the build-time one; `null` (after a `console.warn`) when unavailable. */
export async function loadShop(): Promise<Shop | null> {
  const live = await fetchLiveCatalog({ apiBase: API_BASE });
  return live ? liveShop(catalog.products, live) : null;
}

/**
 * For prerendered pages, which already show the build-time catalog: calls `render` once the live
 * catalog arrived, if it changes the products or the checkout offer.
 */
export function whenLive(render: (shop: Shop) => void): void {
  const first = initialShop();
  void loadShop().then((shop) => {
    if (shop && shown(shop) !== shown(first)) render(shop);
  });
}

/**
 * For a prerendered product page: like `whenLive`, from that product's own live data (one
 * keyed read, whatever the size of the catalog). `render` sees a shop holding at most it.
 */
export function whenLiveProduct(id: string, render: (shop: Shop) => void): void {
  const first = buildTimeShop(catalog.products.filter((product) => product.id === id));
  void fetchLiveProduct({ apiBase: API_BASE, id }).then((live) => {
    const shop = live ? liveShop(catalog.products.filter((product) => product.id === id), live) : null;
    if (shop && shown(shop) !== shown(first)) render(shop);
  });
}

/** What a page shows of the shop, to skip re-rendering when the live catalog changes nothing. */
const shown = (shop: Shop) => JSON.stringify([shop.products, shop.checkout]);

/**
 * Renders the build-time catalog now, then again once the live catalog arrived if that changes
 * the products or the checkout offer. When the worker cannot be reached the build-time catalog stays.
 */
export function withShop(render: (shop: Shop) => void): void {
  const first = initialShop();
  render(first);
  void loadShop().then((shop) => {
    if (shop && shown(shop) !== shown(first)) render(shop);
  });
}
