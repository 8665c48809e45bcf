// Replays the last 30 days' events from Stripe's API through the webhook's own path, one
// page per call (the `stripe:sync` CLI drives it): the ledger skips what was already handled.
import type Stripe from 'stripe';
import type { Page } from '../mirror/sync';
import type { Context } from '../platform/context';
import type { SellerHooks } from '../seller-hooks';
import { decodeEvent } from '../stripe/event';
import { receiveEvent } from './receive';

const PAGE_SIZE = 100;
/** Stripe keeps events for 30 days. */
const REPLAY_WINDOW_SECONDS = 30 * 24 * 60 * 60;

export async function replayPage(stripe: Stripe, startingAfter: string | undefined, context: Context & SellerHooks): Promise<Page & { replayed: number; skipped: number }> {
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
