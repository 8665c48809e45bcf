// Pure helpers for the Buy link: no DOM, no storage, no import.meta, so they can be unit-tested anywhere.
import { checkoutPath, type Product, type StripeMode } from '../../catalog';
import type { BuyAction } from '../../catalog/product-page';
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
  /** Must satisfy `isValidClientReferenceId`; an invalid one throws rather than being sent. */
  clientReferenceId: string;
  /** Prefills Checkout's email field when known. */
  email?: string | null;
}

/** What Buy leads to: the product's Payment Link of the mode, else the worker's checkout. */
export type BuyTarget = 'payment-link' | 'worker-checkout';

/**
 * Where a product's Buy goes. The worker's checkout needs a Stripe key of `mode` on the worker:
 * a live build checks that the seller said so (site/build/buy-links.ts).
 */
export function buyTarget(product: Product, options: Pick<BuyUrlOptions, 'mode'>): BuyTarget {
  return product.paymentLinks[options.mode]?.url ? 'payment-link' : 'worker-checkout';
}

/**
 * Buy as the build prerenders it, before the page knows its buyer (for a shopper without
 * JavaScript): a link to the product's Payment Link for `mode`, or without one a form that POSTs
 * to the worker's checkout `${apiBase}/products/<id>/checkout` (a GET there starts nothing).
 */
export function buyAction(product: Product, options: Pick<BuyUrlOptions, 'mode' | 'apiBase'>): BuyAction {
  switch (buyTarget(product, options)) {
    case 'payment-link':
      return { method: 'get', href: new URL(product.paymentLinks[options.mode].url!).toString() };
    case 'worker-checkout':
      return { method: 'post', action: `${options.apiBase}${checkoutPath(product.id)}` };
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
 * A Buy link's URL (a Payment Link) with `buyerFormFields` added to any
 * query it already has. Relative URLs stay relative.
 */
export function withBuyer(href: string, buyer: Pick<BuyUrlOptions, 'clientReferenceId' | 'email'>): string {
  const fields = buyerFormFields(buyer);
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(href);
  const url = new URL(href, 'http://relative.invalid');
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  return absolute ? url.toString() : `${url.pathname}${url.search}${url.hash}`;
}
