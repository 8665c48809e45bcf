// Pure helpers for the Buy link: no DOM, no storage, no import.meta, so they can be unit-tested anywhere.
import type { Product, StripeMode } from '../catalog';

/**
 * Stripe's rule for `client_reference_id`: 1–200 characters of letters, digits, `_` and `-`.
 * Stripe silently drops a value that breaks it, so the order could not be matched to the buyer.
 */
export const CLIENT_REFERENCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

export function isValidClientReferenceId(id: unknown): id is string {
  return typeof id === 'string' && CLIENT_REFERENCE_ID_PATTERN.test(id);
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

/**
 * Where Buy goes: the product's Payment Link for `mode` with `client_reference_id` (and
 * `prefilled_email`) added to any query it already has, or, when the catalog has no link for
 * that mode, the worker's local checkout stand-in `${apiBase}/dev/checkout?product=…`.
 */
export function buyUrl(product: Product, options: BuyUrlOptions): string {
  const { mode, apiBase, clientReferenceId } = options;
  if (!isValidClientReferenceId(clientReferenceId)) {
    throw new TypeError('clientReferenceId must be 1–200 characters of A-Z, a-z, 0-9, _ or -');
  }
  const email = options.email?.trim() || null;

  const link = product.paymentLinks[mode]?.url;
  if (link) {
    const url = new URL(link);
    url.searchParams.set('client_reference_id', clientReferenceId);
    if (email) url.searchParams.set('prefilled_email', email);
    return url.toString();
  }

  const params = new URLSearchParams({ product: product.id, client_reference_id: clientReferenceId });
  if (email) params.set('prefilled_email', email);
  return `${apiBase}/dev/checkout?${params.toString()}`;
}
