// Serving one download: the link's signature and expiry, the order behind its delivery
// token (fulfilled, of this shop's mode), the file among what the order bought and still
// serves (a subscription's files only while it is in force: worker/delivery/subscription-access.ts),
// and the per-order count. Everything that can refuse does so before the count; the count itself
// is one guarded statement (worker/store/downloads.ts).
import { shopMode } from '../platform/config';
import { revokesAccess, servesAccess, STATUS_LABELS, type OrderStatus } from '../../contract/order-states';
import type { Env } from '../platform/env';
import { contentsOfStored } from './order-products';
import type { Order } from '../store/orders';
import { claimDownload, orderStatusOf } from '../store/downloads';
import { findLineItems, findOrderByDeliveryToken } from '../store/orders';
import { findSubscriptionState } from '../store/subscriptions';
import { newestFileVersions } from '../store/file-versions';
import { paidRenewalCount } from '../store/subscription-periods';
import { orderFiles, type OrderFile } from './files';
import { downloadSettings, type DownloadSettings } from './settings';
import { verifyLink, type LinkClaims } from './signature';
import { orderSubscriptionAccess, servedProducts } from './subscription-access';

export interface Refusal {
  refused: 403 | 404 | 410 | 503;
  reason: string;
}

export interface Grant {
  order: Order;
  file: OrderFile;
  /** Where the file's newest version is in R2 (the catalog key until a new version is published). */
  r2Key: string;
  settings: DownloadSettings;
}

/** Why an order that is not fulfilled serves nothing: gone for good (410) or not (yet) delivered (403). */
export function refusalFor(status: string): Refusal {
  if (revokesAccess(status)) return { refused: 410, reason: `this order was ${STATUS_LABELS[status as OrderStatus]}: its downloads no longer work` };
  return { refused: 403, reason: `this order is ${status.replaceAll('_', ' ')}, not fulfilled: nothing to download` };
}

export async function authorizeDownload(env: Env, nowMs: number, claims: LinkClaims, signature: string): Promise<Grant | Refusal> {
  const configured = downloadSettings(env);
  if (!configured.ok) {
    console.error(JSON.stringify({ msg: 'downloads not configured', reason: configured.reason }));
    return { refused: 503, reason: 'downloads are not configured on this shop' };
  }
  const { settings } = configured;
  // The signature first: nothing is looked up for a forged link.
  if (!(await verifyLink(settings.secret, claims, signature))) return { refused: 403, reason: 'this download link is not valid (its signature does not match)' };
  if (claims.expires * 1000 <= nowMs) return { refused: 410, reason: 'this download link has expired: open your order page again for a fresh one' };
  const order = await findOrderByDeliveryToken(env.DB, claims.token);
  // A test-mode order in a live shop (or the reverse) does not exist here.
  if (!order || order.livemode !== (shopMode(env) === 'live')) return { refused: 404, reason: 'no such order' };
  if (!servesAccess(order.status)) return refusalFor(order.status);
  const [lineItems, subscription, versions, renewals] = await Promise.all([
    findLineItems(env.DB, order.id),
    order.subscription ? findSubscriptionState(env.DB, order.subscription) : null,
    newestFileVersions(env.DB, [claims.key]),
    order.subscription ? paidRenewalCount(env.DB, order.subscription) : 0,
  ]);
  const { products } = await contentsOfStored(order, lineItems, env.DB);
  const access = orderSubscriptionAccess(order, subscription, env, nowMs);
  const isThisFile = (candidate: OrderFile) => candidate.file.key === claims.key;
  // Another product of the order may deliver the same file: a one-time purchase keeps it.
  // A subscription's later files are served from the period that brings them (its own is 1).
  const periods = 1 + renewals;
  const file = orderFiles(servedProducts(order, products, access), periods).find(isThisFile);
  // Resolved now, not when the link was signed: a link from before a new version serves the new one.
  if (file) return { order, file, r2Key: versions.get(claims.key)?.r2Key ?? claims.key, settings };
  if (access && !access.allowed && orderFiles(products, periods).some(isThisFile)) return { refused: 410, reason: access.reason };
  return { refused: 404, reason: 'this order has no such file' };
}

/** Counts the download; the count reached, or why it was refused (limit used up, or the order revoked meanwhile). */
export async function countDownload(db: D1Database, grant: Grant, nowMs: number): Promise<{ count: number } | Refusal> {
  const count = await claimDownload(db, grant.order.id, grant.file.file.key, grant.file.limit, nowMs);
  if (count !== null) return { count };
  const status = await orderStatusOf(db, grant.order.id);
  if (!servesAccess(status)) return refusalFor(status ?? 'gone');
  return { refused: 410, reason: `download limit reached: this file may be downloaded ${grant.file.limit} times per order` };
}
