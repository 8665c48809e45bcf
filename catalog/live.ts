// The live catalog: what the worker's Stripe mirror says is for sale right now, merged over the
// build-time catalog. Pure: the storefront (site/src/live-catalog.ts fetches it) and the
// worker's live product pages share it.
import { PRODUCT_SLUG, type Product } from '.';
import type { CatalogResponse, LivePrice as ApiLivePrice, LiveProduct as ApiLiveProduct, ProductResponse } from '../contract/api';

/** One active Price of a live product, as the storefront keeps it: the API's, with a fixed amount (others are dropped). */
export type LivePrice = ApiLivePrice & {
  /** In the currency's minor unit. */
  unitAmount: number;
};

/** One active Stripe Product with the Prices the storefront can show. */
export type LiveProduct = Omit<ApiLiveProduct, 'prices'> & { prices: LivePrice[] };

/** What `GET ${API_BASE}/api/catalog` (or one product's endpoint) returns, as the storefront keeps it. */
export type LiveCatalog = Omit<CatalogResponse, 'products'> & {
  products: LiveProduct[];
  /**
   * For a partial catalog (one product's page): whether the whole live catalog names
   * storefront slugs. A full catalog says it through its products.
   */
  speaksForSlugs?: ProductResponse['speaksForSlugs'];
};

/** A product as the pages show it: the build-time entry with live name, description and price. */
export interface ShopProduct extends Product {
  /** The Stripe Price the cart charges; `null` when only the Buy link can sell it. */
  priceId: string | null;
  /** Billing interval of a recurring displayed price (`month`), else `null`. */
  interval: string | null;
}

/** The catalog the pages render. */
export interface Shop {
  products: ShopProduct[];
  /** Add to cart / Checkout are offered: the live catalog was fetched and said `checkout: true`. */
  checkout: boolean;
  /** The live catalog was fetched (else this is the build-time catalog alone). */
  live: boolean;
}

const CURRENCY = /^[A-Za-z]{3}$/;
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function parsePrice(body: unknown): LivePrice | null {
  if (!isObject(body) || !nonEmptyString(body.id)) return null;
  if (typeof body.currency !== 'string' || !CURRENCY.test(body.currency)) return null;
  if (typeof body.unitAmount !== 'number' || !Number.isSafeInteger(body.unitAmount) || body.unitAmount < 0) return null;
  if (body.type !== 'one_time' && body.type !== 'recurring') return null;
  return {
    id: body.id,
    currency: body.currency.toLowerCase(),
    unitAmount: body.unitAmount,
    type: body.type,
    interval: body.type === 'recurring' && nonEmptyString(body.interval) ? body.interval : null,
  };
}

export function parseProduct(body: unknown): LiveProduct | null {
  if (!isObject(body) || !nonEmptyString(body.id) || !nonEmptyString(body.name)) return null;
  const prices = Array.isArray(body.prices) ? body.prices.map(parsePrice).filter((p) => p !== null) : [];
  return {
    id: body.id,
    name: body.name,
    description: nonEmptyString(body.description) ? body.description : null,
    catalogId: nonEmptyString(body.catalogId) ? body.catalogId : null,
    prices,
  };
}

/**
 * Validates a `/api/catalog` body: `null` unless it has a `products` array; malformed products
 * and prices are dropped rather than shown; `checkout` is true only for exactly `true`.
 */
export function parseLiveCatalog(body: unknown): LiveCatalog | null {
  if (!isObject(body) || !Array.isArray(body.products)) return null;
  return {
    checkout: body.checkout === true,
    products: body.products.map(parseProduct).filter((p) => p !== null),
  };
}

/** A build-time product as shown without the live catalog: its own price, `stripe.priceId` for the cart. */
export function fromBuildTime(product: Product): ShopProduct {
  return { ...product, priceId: product.stripe?.priceId ?? null, interval: null };
}

/** The live product a build-time product stands for: by `stripe.productId`, else by `catalogId`. */
export function findLiveMatch(product: Product, live: LiveCatalog): LiveProduct | undefined {
  const productId = product.stripe?.productId;
  return (
    (productId ? live.products.find((p) => p.id === productId) : undefined) ??
    live.products.find((p) => p.catalogId === product.id)
  );
}

/** The price a live product is sold at: its first one-time price, else its first price. */
export function displayPrice(live: LiveProduct): LivePrice | undefined {
  return live.prices.find((price) => price.type === 'one_time') ?? live.prices[0];
}

/**
 * Merges the live catalog over the build-time one, keeping build-time order, images and slugs.
 *
 * - No live products at all (an empty mirror, e.g. local development without Stripe): the
 *   build-time catalog unchanged.
 * - A build-time product with a live match (`catalogId === product.id` or
 *   `stripe.productId === live.id`) takes the live name, the live description unless it is
 *   null, and the first one-time price (else the first price) as its price and cart `priceId`.
 *   A match without any active price keeps the build-time price and cannot go in the cart.
 * - A build-time product without a match is archived and left out when the live catalog can
 *   speak for it: some live product carries a `catalogId`, or the product has `stripe.productId`.
 *   Otherwise it is kept as it is.
 * - Live products that match no build-time product are not shown (they have no page or image).
 */
export function mergeLiveCatalog(buildTime: Product[], live: LiveCatalog): ShopProduct[] {
  if (live.products.length === 0 && !knowsSlugs(live)) return buildTime.map(fromBuildTime);
  return buildTime.map((product) => mergeLiveProduct(product, live)).filter((product) => product !== null);
}

/** Whether the live catalog names storefront slugs, so that a slug it lacks is archived. */
const knowsSlugs = (live: LiveCatalog) => live.speaksForSlugs ?? live.products.some((p) => p.catalogId !== null);

/**
 * One build-time product as `mergeLiveCatalog` shows it, from a live catalog that holds at
 * least its candidates (a product page's partial catalog will do); null when it is archived.
 */
export function mergeLiveProduct(product: Product, live: LiveCatalog): ShopProduct | null {
  const match = findLiveMatch(product, live);
  if (!match) return !knowsSlugs(live) && !product.stripe?.productId ? fromBuildTime(product) : null;
  const price = displayPrice(match);
  return {
    ...product,
    name: match.name,
    description: match.description ?? product.description,
    price: price ? { amount: price.unitAmount, currency: price.currency } : product.price,
    priceId: price ? price.id : null,
    interval: price ? price.interval : null,
  };
}

/** The shop before (or without) the live catalog. */
export function buildTimeShop(buildTime: Product[]): Shop {
  return { products: buildTime.map(fromBuildTime), checkout: false, live: false };
}

/** The shop once the live catalog arrived. */
export function liveShop(buildTime: Product[], live: LiveCatalog): Shop {
  return { products: mergeLiveCatalog(buildTime, live), checkout: live.checkout, live: true };
}

/** Whether a product gets an Add to cart button. */
export function canAddToCart(shop: Shop, product: ShopProduct): boolean {
  return shop.checkout && product.priceId !== null;
}

/** A product sold in Stripe with no build-time entry: the worker renders its page at `/products/<slug>`. */
export interface LiveOnlyProduct {
  /** `metadata.catalog_id` when the seller set one (and it fits a URL), else the Stripe product id. */
  slug: string;
  product: LiveProduct;
  /** What its page shows and its Buy charges (`displayPrice`). */
  price: LivePrice;
}

/**
 * Live products that stand for no build-time product (see `findLiveMatch`) and have a price,
 * in the live catalog's order; of two with the same slug, the first.
 */
export function liveOnlyProducts(buildTime: Product[], live: LiveCatalog): LiveOnlyProduct[] {
  const matched = new Set(buildTime.map((product) => findLiveMatch(product, live)?.id));
  const slugs = new Set(buildTime.map((product) => product.id));
  const result: LiveOnlyProduct[] = [];
  for (const product of live.products) {
    const price = displayPrice(product);
    // A catalog_id that cannot be a URL segment is ignored rather than escaped into one.
    const slug = product.catalogId !== null && PRODUCT_SLUG.test(product.catalogId) ? product.catalogId : product.id;
    if (matched.has(product.id) || !price || slugs.has(slug)) continue;
    slugs.add(slug);
    result.push({ slug, product, price });
  }
  return result;
}
