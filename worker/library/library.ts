// The buyer's library: every order of one email address, from any device. Asking for it does the
// same work for every address (two counters, one queued email step: worker/email/library-link.ts
// decides whether anything is sent); the emailed link works once and signs the browser in.
import { LIBRARY_LINK_MINUTES, LIBRARY_REQUESTS_PER_CLIENT, LIBRARY_REQUESTS_PER_EMAIL, LIBRARY_SESSION_DAYS } from '../../contract/limits';
import type { DownloadLink, LicenceKeyView, PortalResponse } from '../../contract/api';
import { portalOfCustomer } from '../checkout/portal';
import { deliverable, orderDelivery } from '../delivery/order-delivery';
import { storedContents } from '../delivery/order-products';
import type { Context } from '../platform/context';
import { randomId, sha256Hex } from '../platform/ids';
import { commit } from '../store/commit';
import { libraryEmailOf, libraryRequestWrites, orderIdsOfEmail, revokeLibrarySession, subscriptionCustomerOfEmailOrder, useLibraryLink } from '../store/library';
import { findOrderRecords } from '../store/order-records';
import type { Order, LineItem } from '../store/orders';

const WINDOW_MS = LIBRARY_LINK_MINUTES * 60_000;

/** An address as the library keys it: trimmed, lower-case. */
export const libraryEmail = (email: string) => email.trim().toLowerCase();

/** Queues the library link's email step; `limited` when this address or client asked too often. */
export async function requestLibraryLink(context: Context, email: string, client: string): Promise<{ limited: boolean }> {
  const now = context.now();
  const address = libraryEmail(email);
  const writes = libraryRequestWrites(context.db, {
    emailKey: `email:${await sha256Hex(address)}`,
    clientKey: `client:${await sha256Hex(client)}`,
    windowStart: now - (now % WINDOW_MS),
    subject: `library_link:${randomId(24)}`,
    email: address,
    now,
    emailLimit: LIBRARY_REQUESTS_PER_EMAIL,
    clientLimit: LIBRARY_REQUESTS_PER_CLIENT,
  });
  const [emailCount, clientCount] = await commit(context, { writes: writes.slice(0, 2), outbox: writes.slice(2) });
  const counted = (result: D1Result | undefined) => (result?.results[0] as { count: number } | undefined)?.count ?? Infinity;
  return { limited: counted(emailCount) > LIBRARY_REQUESTS_PER_EMAIL || counted(clientCount) > LIBRARY_REQUESTS_PER_CLIENT };
}

/** Opens an emailed link: a new session id for the cookie, or null when the link is unknown, used or expired. */
export async function openLibraryLink(context: Context, token: string): Promise<{ sessionId: string } | null> {
  const now = context.now();
  const sessionId = randomId(43);
  const email = await useLibraryLink(context.db, await sha256Hex(token), { idHash: await sha256Hex(sessionId), now, expiresAt: now + LIBRARY_SESSION_DAYS * 86_400_000 });
  return email ? { sessionId } : null;
}

export async function signedInEmail(context: Context, sessionId: string | undefined): Promise<string | null> {
  if (!sessionId || sessionId.length > 100) return null;
  return libraryEmailOf(context.db, await sha256Hex(sessionId), context.now());
}

export async function signOut(context: Context, sessionId: string | undefined): Promise<void> {
  if (sessionId && sessionId.length <= 100) await revokeLibrarySession(context.db, await sha256Hex(sessionId), context.now());
}

export interface LibraryOrder {
  order: Order;
  lineItems: LineItem[];
  downloads: DownloadLink[];
  licenceKeys: LicenceKeyView[];
}

/** Every order of the address, newest first, with fresh download links and its licence keys. */
export async function libraryOrders(context: Context, email: string): Promise<LibraryOrder[]> {
  const ids = await orderIdsOfEmail(context.db, email);
  if (ids.length === 0) return [];
  const { orders, slugs } = await findOrderRecords(context.db, { orderIds: ids });
  const now = context.now();
  const listed: LibraryOrder[] = [];
  for (const id of ids) {
    const record = orders.get(id);
    if (!record) continue;
    const products = storedContents(record.order, record.lineItems, slugs);
    const { downloads, licenceKeys } = await orderDelivery(record, deliverable(record, products, context.env, now), context.env, now);
    listed.push({ order: record.order, lineItems: record.lineItems, downloads, licenceKeys });
  }
  return listed;
}

/** Manage subscription from the library: Stripe's portal for a subscription order of the signed-in address, else null. */
export async function libraryPortal(context: Context, email: string, orderId: string, returnUrl: string): Promise<PortalResponse | null> {
  const customer = await subscriptionCustomerOfEmailOrder(context.db, email, orderId);
  return customer ? portalOfCustomer(context.env, customer, returnUrl) : null;
}
