// Manage subscription: the worker opens a Stripe customer portal for this browser's own buyer
// (proven as for the entitlements: the buyer's secret, or the seller's signed token) and the
// page goes there. DOM-free, so the answers it handles are tested without a browser.
import { apiClient } from './api';
import { buyerProofHeaders, getBuyer } from './buyer';

export type PortalResult = { ok: true; url: string } | { ok: false; error: string };

const REFUSED: Record<number, string> = {
  401: 'This browser cannot prove it bought the subscription. Open your purchases by email (Email me my purchases, at /library) and manage it from there.',
  404: 'No subscription was found for you in this shop.',
};

export async function openPortal(options: { apiBase: string; fetch?: typeof fetch }): Promise<PortalResult> {
  const client = apiClient(options.apiBase, options.fetch);
  let response: Response;
  try {
    response = await client.portal.$post(
      { json: { clientReferenceId: getBuyer().clientReferenceId } },
      { headers: { accept: 'application/json', ...buyerProofHeaders() }, init: { cache: 'no-store' } },
    );
  } catch {
    return { ok: false, error: 'The shop could not be reached. Check your connection and try again.' };
  }
  const body: unknown = await response.json().catch(() => null);
  const url = typeof body === 'object' && body !== null && 'url' in body && typeof body.url === 'string' ? body.url : null;
  // Only Stripe's own page (or the local Stripe's, over http on a loopback address) is followed.
  if (response.status === 200 && url && /^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/.test(url)) return { ok: true, url };
  return { ok: false, error: REFUSED[response.status] ?? `The subscription portal could not be opened (HTTP ${response.status}). Please try again.` };
}
