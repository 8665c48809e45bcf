// Pure helpers for the Buy link: no DOM, no storage, no import.meta, so they can be unit-tested anywhere.
import { productPath, type Product, type StripeMode } from '../../catalog';
import { CLIENT_REFERENCE_ID } from '../../contract/ids';

/**
 * Stripe's rule for `client_reference_id`: 1–200 characters of letters, digits, `_` and `-`.
 * Stripe silently drops a value that breaks it, so the order could not be matched to the buyer.
 */

export function isValidClientReferenceId(id: unknown): id is string {
  return typeof id === 'string' && CLIENT_REFERENCE_ID.test(id);
}

/** `'live'` only when asked for exactly; anything else (unset, empty) is test mode. */
export function parseStripeMode(value: string | undefined): StripeMode {
  return value === 'live' ? 'live' : 'test';
}

/** `VITE_API_BASE` without trailing slashes; `''` means the worker is on the site's own origin. */
export function normalizeApiBase(value: string | undefined): string {
  return (value ?? '').trim().replace(/\/+$/, '');
}

export interface BuyUrlOptions {
  mode: StripeMode;
  /** Normalized API base (see `normalizeApiBase`), `''` for same origin. */
  apiBase: string;
  /**
   * The worker checks out with a Stripe key of `mode` (`WORKER_CHECKOUT=true` at build): a product
   * without a Payment Link is bought through the worker's checkout rather than `/dev/checkout`.
   */
  workerCheckout?: boolean;
  /** Must satisfy `isValidClientReferenceId`; an invalid one throws rather than being sent. */
  clientReferenceId: string;
  /** Prefills Checkout's email field when known. */
  email?: string | null;
}

/** Where a Buy link leads: the product's Payment Link, the worker's checkout, or the local stand-in. */
export type BuyTarget = 'payment-link' | 'worker-checkout' | 'dev-checkout';

/** What `plainBuyUrl` sends a product's Buy to; `dev-checkout` works only under `npm start` and the tests. */
export function buyTarget(product: Product, options: Pick<BuyUrlOptions, 'mode' | 'workerCheckout'>): BuyTarget {
  if (product.paymentLinks[options.mode]?.url) return 'payment-link';
  return options.workerCheckout ? 'worker-checkout' : 'dev-checkout';
}

/**
 * Where Buy goes before the page knows its buyer (the prerendered `href`, for a shopper
 * without JavaScript): the product's Payment Link for `mode`; without one, the worker's checkout
 * `${apiBase}/products/<id>/checkout` when it has a key (`workerCheckout`), else the worker's
 * local checkout stand-in `${apiBase}/dev/checkout?product=…`.
 */
export function plainBuyUrl(product: Product, options: Pick<BuyUrlOptions, 'mode' | 'apiBase' | 'workerCheckout'>): string {
  switch (buyTarget(product, options)) {
    case 'payment-link':
      return new URL(product.paymentLinks[options.mode].url!).toString();
    case 'worker-checkout':
      return `${options.apiBase}${productPath(product.id)}/checkout`;
    case 'dev-checkout':
      return `${options.apiBase}/dev/checkout?${new URLSearchParams({ product: product.id }).toString()}`;
  }
}

/**
 * What Buy sends about the buyer, as query parameters of a link or fields of a form:
 * `client_reference_id`, and `prefilled_email` when an email is known.
 */
export function buyerFormFields(buyer: Pick<BuyUrlOptions, 'clientReferenceId' | 'email'>): Record<string, string> {
  if (!isValidClientReferenceId(buyer.clientReferenceId)) {
    throw new TypeError('clientReferenceId must be 1–200 characters of A-Z, a-z, 0-9, _ or -');
  }
  const email = buyer.email?.trim() || null;
  return email ? { client_reference_id: buyer.clientReferenceId, prefilled_email: email } : { client_reference_id: buyer.clientReferenceId };
}

/**
 * A Buy URL (a Payment Link or the local stand-in) with `buyerFormFields` added to any query it
 * already has. Relative URLs stay relative.
 */
export function withBuyer(href: string, buyer: Pick<BuyUrlOptions, 'clientReferenceId' | 'email'>): string {
  const fields = buyerFormFields(buyer);
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(href);
  const url = new URL(href, 'http://relative.invalid');
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  return absolute ? url.toString() : `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Where Buy goes: `plainBuyUrl` with `client_reference_id` (and `prefilled_email`) added to any
 * query it already has.
 */
export function buyUrl(product: Product, options: BuyUrlOptions): string {
  return withBuyer(plainBuyUrl(product, options), options);
}
