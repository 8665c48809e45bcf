// The events queue's backlog: webhook events Stripe was answered 200 for that wait on the
// EVENTS queue for their group commit. They are not in the ledger until it commits, so the
// back office reads their count and the oldest one's age from the queue binding itself.
import { webhookProcessing } from '../platform/config';
import type { Env } from '../platform/env';

export interface EventsBacklog {
  /** Events accepted and not committed yet. */
  count: number;
  /** ms; when the oldest of them was queued (null when none wait, or the queue does not say). */
  oldestAt: number | null;
}

/**
 * The backlog, or null where there is none to read: sync mode (each webhook commits on its
 * request), or a queue binding that cannot say (its error is logged; the page shows the rest).
 */
export async function eventsBacklog(env: Pick<Env, 'EVENTS' | 'WEBHOOK_PROCESSING'>): Promise<EventsBacklog | null> {
  if (webhookProcessing(env) !== 'queue' || !env.EVENTS) return null;
  try {
    const metrics = await env.EVENTS.metrics();
    return { count: metrics.backlogCount, oldestAt: metrics.oldestMessageTimestamp ? new Date(metrics.oldestMessageTimestamp).getTime() : null };
  } catch (error) {
    console.warn(JSON.stringify({ msg: 'the events queue did not report its backlog', error: String(error) }));
    return null;
  }
}

/** An event accepted this long ago and still not committed means the consumer is failing or not attached. */
export const BACKLOG_ALERT_MS = 10 * 60 * 1000;

/** Whether the backlog is an incident: its oldest event has waited past BACKLOG_ALERT_MS. */
export function backlogStalled(backlog: EventsBacklog | null, now: number): boolean {
  return backlog !== null && backlog.count > 0 && backlog.oldestAt !== null && now - backlog.oldestAt > BACKLOG_ALERT_MS;
}
