// Cart checkout: `POST ${API_BASE}/api/checkout` creates a Stripe Checkout Session for the cart.
// DOM-free, no import.meta: fetch is injectable.
import type { CheckoutRequest } from '../../contract/api';
import { apiClient, type CheckoutBody } from './api';
import type { CartItem } from './cart';

export type { CheckoutRequest };

export type CheckoutResult = { ok: true; url: string } | { ok: false; error: string };

export function checkoutRequest(items: CartItem[], buyer: { clientReferenceId: string; email: string | null }): CheckoutRequest {
  const request: CheckoutRequest = {
    items: items.map((item) => ({ price: item.priceId, quantity: item.quantity })),
    clientReferenceId: buyer.clientReferenceId,
  };
  if (buyer.email) request.email = buyer.email;
  return request;
}

const NETWORK_ERROR = 'We could not reach the checkout. Check your connection and try again.';

/** Only an absolute http(s) URL is followed (never `javascript:` or the like). */
function checkoutUrl(value: unknown, base: string): string | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export interface StartCheckoutOptions {
  /** Normalized API base, `''` for same origin. */
  apiBase: string;
  request: CheckoutRequest;
  fetch?: typeof fetch;
  /** Resolves a relative `url` in the answer; the page's location in the browser. */
  baseUrl?: string;
}

/**
 * Asks the worker for a Checkout Session. `{ ok: true, url }` for `200 { url }`; otherwise
 * `{ ok: false, error }` with the response's `error` text when it has one.
 */
export async function startCheckout(options: StartCheckoutOptions): Promise<CheckoutResult> {
  const client = apiClient(options.apiBase, options.fetch);
  let response: Response;
  try {
    response = await client.checkout.$post({ json: options.request }, { headers: { accept: 'application/json' }, init: { cache: 'no-store' } });
  } catch {
    return { ok: false, error: NETWORK_ERROR };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: handled below
  }
  const fields: Partial<CheckoutBody> & { error?: unknown } = typeof body === 'object' && body !== null ? body : {};
  if (response.status === 200) {
    const url = checkoutUrl(fields.url, options.baseUrl ?? globalThis.location?.href ?? 'http://localhost/');
    if (url) return { ok: true, url };
    return { ok: false, error: 'Checkout could not be started: the answer had no checkout address. Please try again.' };
  }
  const error = typeof fields.error === 'string' && fields.error.trim() ? fields.error.trim() : null;
  return { ok: false, error: error ?? `Checkout could not be started (HTTP ${response.status}). Please try again.` };
}
