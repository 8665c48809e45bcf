// The ledger keeps an event's payload while it can still be retried or inspected: failed
// events keep theirs (Retry runs it); a processed one's is cleared once it is older
// than LEDGER_PAYLOAD_RETENTION_DAYS (default 30, as long as Stripe keeps events, so a replay
// from /v1/events can still bring it back). Run by the scheduled handler, bounded per run.
import { payloadRetentionDays } from '../platform/config';
import type { Context } from '../platform/context';
import { clearExpiredPayloads } from '../store/ledger';

/** Payloads one run clears at most: one UPDATE of this many ids stays well inside D1's limits. */
export const PAYLOADS_CLEARED_PER_RUN = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function clearExpiredEventPayloads(context: Pick<Context, 'db' | 'env' | 'now'>, limit = PAYLOADS_CLEARED_PER_RUN): Promise<number> {
  const cutoff = context.now() - payloadRetentionDays(context.env) * DAY_MS;
  const cleared = await clearExpiredPayloads(context.db, cutoff, limit);
  if (cleared > 0) console.log(JSON.stringify({ msg: 'event payloads cleared after retention', cleared }));
  return cleared;
}
