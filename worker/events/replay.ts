// Backfill of the mirror from Stripe's API, one page per call so that each
// request stays well inside Workers' subrequest and CPU limits; the
// `stripe:sync` CLI drives it page by page and can resume from `next`.
import type Stripe from 'stripe';
import { refreshCatalog } from '../storefront/live-catalog';
import { receiveEvent } from './receive';
import type { SyncResource } from '../../contract/api';
import type { HandlerContext } from '../platform/context';
import { customerRow, paymentLinkRow, priceRow, productRow, subscriptionItems, subscriptionRow } from '../mirror/resources';
import { replaceSubscriptionItems, upsertMirrored, type SyncVersion } from '../store/mirror';
import { decodeEvent } from '../stripe/event';


export interface Page {
  count: number;
  hasMore: boolean;
  next: string | null;
}

const PAGE_SIZE = 100;
/** Stripe keeps events for 30 days. */
const REPLAY_WINDOW_SECONDS = 30 * 24 * 60 * 60;

/** Syncs one page of `resource`. Listed objects are current as of now, so now is their version. */
export async function syncPage(stripe: Stripe, resource: SyncResource, startingAfter: string | undefined, context: HandlerContext): Promise<Page> {
  const { db } = context;
  const now = context.now();
  // A listing is the state as of now: it ranks with updates, after any event of the same second ('sync' > 'evt_…').
  const version: SyncVersion = { created: Math.floor(now / 1000), eventId: '1:sync' };
  const page = { limit: PAGE_SIZE, ...(startingAfter ? { starting_after: startingAfter } : {}) };
  let list: Stripe.ApiList<{ id: string }>;
  let writes: D1PreparedStatement[];
  switch (resource) {
    case 'products': {
      const products = await stripe.products.list(page);
      list = products;
      writes = products.data.map((product) => upsertMirrored(db, 'stripe_products', productRow(product, false), version, now));
      break;
    }
    case 'prices': {
      const prices = await stripe.prices.list(page);
      list = prices;
      writes = prices.data.map((price) => upsertMirrored(db, 'stripe_prices', priceRow(price, false), version, now));
      break;
    }
    case 'customers': {
      const customers = await stripe.customers.list(page);
      list = customers;
      writes = customers.data.map((customer) => upsertMirrored(db, 'stripe_customers', customerRow(customer, false), version, now));
      break;
    }
    case 'subscriptions': {
      const subscriptions = await stripe.subscriptions.list({ ...page, status: 'all' });
      list = subscriptions;
      writes = subscriptions.data.flatMap((subscription) => [
        // A canceled subscription is what a `deleted` event leaves: final.
        upsertMirrored(db, 'stripe_subscriptions', subscriptionRow(subscription, subscription.status === 'canceled'), version, now),
        ...replaceSubscriptionItems(db, subscription.id, subscriptionItems(subscription), version),
      ]);
      break;
    }
    case 'payment_links': {
      const links = await stripe.paymentLinks.list(page);
      list = links;
      writes = links.data.map((link) => upsertMirrored(db, 'stripe_payment_links', paymentLinkRow(link, false), version, now));
      break;
    }
  }
  if (writes.length > 0) await db.batch(writes);
  // A backfill is the seller waiting at a terminal, a page at a time: show its result now, not at a window's end.
  if (resource === 'products' || resource === 'prices') context.waitUntil(refreshCatalog(context.env));
  return { count: list.data.length, hasMore: list.has_more, next: list.has_more ? (list.data.at(-1)?.id ?? null) : null };
}

/** Runs one page of the last 30 days' events through the webhook's own path; the ledger skips what was already handled. */
export async function replayPage(stripe: Stripe, startingAfter: string | undefined, context: HandlerContext): Promise<Page & { replayed: number; skipped: number }> {
  const since = Math.floor(context.now() / 1000) - REPLAY_WINDOW_SECONDS;
  const events = await stripe.events.list({ limit: PAGE_SIZE, created: { gte: since }, ...(startingAfter ? { starting_after: startingAfter } : {}) });
  let replayed = 0;
  let skipped = 0;
  for (const event of events.data) {
    const payload = JSON.stringify(event);
    const decoded = decodeEvent(payload);
    if (!decoded.ok) {
      skipped++;
      continue;
    }
    const outcome = await receiveEvent(decoded.event, payload, context);
    if (outcome.status !== 200) throw new Error(`replaying ${event.id} failed: ${JSON.stringify(outcome.body)}`);
    if (outcome.body.outcome === 'processed') replayed++;
    else skipped++;
  }
  return { count: events.data.length, replayed, skipped, hasMore: events.has_more, next: events.has_more ? (events.data.at(-1)?.id ?? null) : null };
}
