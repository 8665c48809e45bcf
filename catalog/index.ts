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
  /** Display price in the currency's minor unit; Stripe's Price is what is charged. */
  price: { amount: number; currency: string };
  /** Digital goods get a delivery token on fulfilment; the others are shipped (a shipping address is asked). */
  digital: boolean;
  /** At most this many in one order (1–MAX_QUANTITY); the worker refuses more, the cart offers no more. */
  maxQuantity?: number;
  paymentLinks: Record<StripeMode, PaymentLinkRef>;
  /**
   * The Stripe Product and Price this catalog entry was seeded as (written by the seed tool).
   * The live catalog matches on `productId`; `priceId` is what the cart charges until the live
   * catalog names a current price.
   */
  stripe?: { productId: string; priceId: string };
}

export interface Catalog {
  shopName: string;
  products: Product[];
}

export const catalog: Catalog = data;

/** The pages' language (`<html lang>`): prices in the HTML are formatted for it. */
export const SHOP_LOCALE = 'en';

/** What a product's URL may end in: a catalog slug (`field-notes`) or a Stripe product id (`prod_…`). */
export { PRODUCT_SLUG } from '../contract/ids';

/** The product page's path: `/products/<id>`. */
export function productPath(id: string): string {
  return `/products/${encodeURIComponent(id)}`;
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
