// The seller's catalog, shared by the storefront (rendering, Buy links) and the
// worker (naming the product of a paid Checkout Session). DOM-free on purpose.
import data from './catalog.json';

export type StripeMode = 'test' | 'live';

export interface PaymentLinkRef {
  /** The Payment Link's id (`plink_…`): Checkout Sessions report it as `payment_link`. */
  id: string | null;
  /** The Payment Link's URL (`https://buy.stripe.com/…`). */
  url: string | null;
}

/** A file a digital product delivers: an object in the shop's R2 bucket (`FILES`). */
export interface ProductFile {
  /** The R2 object key, e.g. `field-notes/field-notes-pattern-pack.pdf`; its last segment is the download's file name. */
  key: string;
  /** What the buyer's Download button says. */
  name: string;
  /** Sent as Content-Type; defaults to what R2 stored with the object, else application/octet-stream. */
  contentType?: string;
  /** Its size in bytes, as `npm run launch` uploaded it (from catalog/files/<name>); the doctor checks R2 holds that. */
  size?: number;
}

/**
 * A file a subscription delivers from one paid period on: `period` 1 is the first (bought at
 * checkout), 2 the first renewal, and so on ("this month's pack"). A subscriber keeps the files of
 * every period paid for while the subscription serves access; a renewal's delivery brings the new one.
 */
export interface PeriodFile extends ProductFile {
  /** The paid period (a whole number from 1) from which the file is served. */
  period: number;
}

/** Where a product's licence keys come from: made at fulfilment, or taken from the seller's pool in D1. */
export const LICENCE_SOURCES = ['generated', 'pool'] as const;
export type LicenceSource = (typeof LICENCE_SOURCES)[number];

/** How often a subscription bills, as Stripe's `recurring.interval` says it. */
export type RecurringInterval = 'day' | 'week' | 'month' | 'year';

export interface Product {
  id: string;
  name: string;
  description: string;
  /** Path of the product's image on the site (`/images/…`); SVG is fine on the page. */
  image: string;
  imageAlt: string;
  /**
   * Path of a raster (PNG/JPEG) version for link previews and search results, which do not
   * show SVG. Defaults to `image`.
   */
  shareImage?: string;
  /**
   * Display price in the currency's minor unit; Stripe's Price is what is charged. With an
   * `interval` the product is a subscription (a recurring price: Checkout in subscription mode).
   */
  price: { amount: number; currency: string; interval?: RecurringInterval };
  /**
   * Digital goods get a delivery token on fulfilment; the others are shipped: checkout asks an
   * address in the catalog's `shipping.countries`, offers its rates, and the paid order awaits shipment.
   */
  digital: boolean;
  /** At most this many in one order (1–MAX_QUANTITY); the worker refuses more, the cart offers no more. */
  maxQuantity?: number;
  /** What a digital product delivers; a digital product without files fulfils with a warning to the seller. */
  files?: ProductFile[];
  /** A subscription's files of later periods (only with `price.interval`); see PeriodFile. */
  periodFiles?: PeriodFile[];
  /** Downloads of each file per order; default DEFAULT_DOWNLOAD_LIMIT (contract/limits.ts). */
  downloadLimit?: number;
  /**
   * Each unit bought gets a unique licence key (five licences, five keys), shown on the success
   * page and given to the deliver hook. To sell one licence per order, set `maxQuantity: 1`: the
   * cart then offers no more and the worker refuses more.
   */
  licence?: LicenceSource;
  paymentLinks: Record<StripeMode, PaymentLinkRef>;
  /** Whether its Payment Link takes promotion codes; default: CHECKOUT_PROMOTION_CODES in wrangler.toml. */
  promotionCodes?: boolean;
  /**
   * The Stripe Product and Price this catalog entry was seeded as (written by the seed tool).
   * The live catalog matches on `productId`; `priceId` is what the cart charges until the live
   * catalog names a current price.
   */
  stripe?: { productId: string; priceId: string };
}

/** A shipping rate the buyer picks at checkout (a Stripe Shipping Rate, fixed amount). */
export interface ShippingRate {
  /** What the buyer sees, e.g. "Standard". */
  name: string;
  /** In the currency's minor unit (500 is $5.00). */
  amount: number;
  /** The physical products' currency: Stripe charges shipping in the checkout's. */
  currency: string;
  /** The delivery estimate, in business days. */
  minDays?: number;
  maxDays?: number;
}

/**
 * Where and how the shop ships its physical products (`digital: false`). One setting for the
 * shop: a checkout charges one shipping rate, whatever goods are in the cart. The build refuses
 * a physical product while `countries` is empty.
 */
export interface ShippingSettings {
  /** Two-letter ISO countries the shop ships to (`shipping_address_collection.allowed_countries`). */
  countries: string[];
  /** The rates offered (at most 5); none: shipping is free and no choice is shown. */
  rates?: ShippingRate[];
}

export interface Catalog {
  shopName: string;
  /** Needed once any product is physical. */
  shipping?: ShippingSettings;
  /** Where buyers write for help; shown in every email. Default: the address of EMAIL_FROM. */
  supportEmail?: string;
  products: Product[];
}

// JSON imports type `licence` as string; test/worker/catalog.test.ts checks every value is a LicenceSource.
export const catalog: Catalog = data as Catalog;

/** The pages' language (`<html lang>`): prices in the HTML are formatted for it. */
export const SHOP_LOCALE = 'en';

/** What a product's URL may end in: a catalog slug (`field-notes`) or a Stripe product id (`prod_…`). */
export { PRODUCT_SLUG } from '../contract/ids';

/** The product page's path: `/products/<id>`. */
export function productPath(id: string): string {
  return `/products/${encodeURIComponent(id)}`;
}

/** Where Buy through the worker's checkout POSTs: `/products/<id>/checkout` (a GET there starts nothing). */
export function checkoutPath(id: string): string {
  return `${productPath(id)}/checkout`;
}

export function findProduct(id: string): Product | undefined {
  return catalog.products.find((product) => product.id === id);
}

export function findProductByPaymentLink(paymentLinkId: string): Product | undefined {
  return catalog.products.find(
    (product) =>
      product.paymentLinks.test.id === paymentLinkId || product.paymentLinks.live.id === paymentLinkId,
  );
}

/** Every file a product may deliver (its per-period files included), [] for one that has none. */
export function filesOf(product: Product): ProductFile[] {
  return [...(product.files ?? []), ...(product.periodFiles ?? [])];
}

/** The files a product delivers once `periodsPaid` periods are paid (1 for anything bought once). */
export function filesForPeriods(product: Product, periodsPaid: number): ProductFile[] {
  return [...(product.files ?? []), ...(product.periodFiles ?? []).filter((file) => file.period <= periodsPaid)];
}
