// The reconciliation: pages through Stripe's lists of every mirrored resource (canceled
// subscriptions and archived prices included) and through recent /v1/events, compares them
// with the mirror and the ledger, repairs what differs through the webhook's own ordering
// guard and path, and writes a drift report. A call reads a bounded number of pages and
// leaves a cursor; the next call (the next minute's cron, the seller's next click) carries on.
import type Stripe from 'stripe';
import { SYNC_RESOURCES, type DriftEntry, type ReconcileResponse } from '../../contract/api';
import { HANDLED_EVENT_TYPES } from '../../contract/stripe-events';
import { receiveEvent } from '../events/receive';
import { MIRROR } from '../mirror/resources';
import { repairDrift } from '../mirror/sync';
import type { Context } from '../platform/context';
import { randomId } from '../platform/ids';
import type { SellerHooks } from '../seller-hooks';
import { logAction } from '../store/admin-actions';
import { advanceRun, driftOf, handledEventIds, latestFinishedRun, latestRun, recordDrift, startRun, type DriftRow, type ReconcileCursor, type ReconcileRun } from '../store/reconcile';
import { decodeEvent } from '../stripe/event';

/** The mirrored resources in order, then the events. */
const STEPS = [...SYNC_RESOURCES, 'events'] as const;
const PAGE_SIZE = 100;
/** Stripe list pages one call may read: well inside a Worker's subrequest and CPU limits. */
export const PAGES_PER_CALL = 20;
/** Stripe keeps events for 30 days. */
const EVENTS_WINDOW_S = 30 * 24 * 60 * 60;
/** A later run rereads events from an hour before the previous run started: a delivery may lag. */
const EVENTS_OVERLAP_S = 60 * 60;
const HANDLED = new Set<string>(HANDLED_EVENT_TYPES);

export type ReconcileTrigger = ReconcileRun['trigger'];

/** One bounded step of the open run, or of a new one; what it found is in the report. */
export async function reconcile(stripe: Stripe, trigger: ReconcileTrigger, actor: string, context: Context & SellerHooks, pagesPerCall = PAGES_PER_CALL): Promise<ReconcileResponse> {
  const { db } = context;
  const now = context.now();
  let run = await latestRun(db);
  if (!run || run.finishedAt !== null) {
    run = { id: `rec_${randomId(16)}`, startedAt: now, finishedAt: null, trigger, pages: 0, compared: 0, cursor: { step: 0, startingAfter: null } };
    await startRun(db, run).run();
  }
  const since = await eventsSince(db, run, now);
  let cursor: ReconcileCursor | null = run.cursor ?? { step: 0, startingAfter: null };
  let pages = 0;
  let compared = 0;
  const drift: DriftRow[] = [];
  while (cursor && pages < pagesPerCall) {
    const step: (typeof STEPS)[number] = STEPS[cursor.step]!;
    const page: Step = step === 'events' ? await eventsPage(stripe, since, cursor.startingAfter, context, drift) : await resourcePage(stripe, step, cursor.startingAfter, context, drift);
    pages++;
    compared += page.count;
    cursor = page.next ? { step: cursor.step, startingAfter: page.next } : cursor.step + 1 < STEPS.length ? { step: cursor.step + 1, startingAfter: null } : null;
  }
  const finishedAt = cursor ? null : context.now();
  await db.batch([
    ...drift.map((entry) => recordDrift(db, run.id, entry)),
    advanceRun(db, run.id, pages, compared, cursor, finishedAt),
    logAction(db, { at: now, actor, action: 'reconciled', subject: run.id, detail: JSON.stringify({ pages, compared, drift: drift.length, finished: finishedAt !== null }) }),
  ]);
  if (drift.length > 0) console.warn(JSON.stringify({ msg: 'reconciliation found drift', run: run.id, drift: drift.length, needsSeller: drift.filter((d) => d.outcome === 'needs_seller').length }));
  return reportOf({ ...run, pages: run.pages + pages, compared: run.compared + compared, finishedAt }, pages, await driftOf(db, run.id));
}

/** The latest run and its drift report, for the back office. */
export async function latestReport(context: Context): Promise<ReconcileResponse> {
  const run = await latestRun(context.db);
  return reportOf(run, 0, run ? await driftOf(context.db, run.id) : []);
}

function reportOf(run: ReconcileRun | null, pagesThisCall: number, drift: DriftRow[]): ReconcileResponse {
  return {
    run: run
      ? { id: run.id, trigger: run.trigger, startedAt: new Date(run.startedAt).toISOString(), finishedAt: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(), pages: run.pages, compared: run.compared }
      : null,
    pagesThisCall,
    drift: drift satisfies DriftEntry[],
  };
}

/** The first run reads Stripe's whole 30 days; a later one from shortly before the previous finished run began. */
async function eventsSince(db: D1Database, run: ReconcileRun, now: number): Promise<number> {
  const floor = Math.floor(now / 1000) - EVENTS_WINDOW_S;
  const previous = await latestFinishedRun(db);
  if (!previous || previous.id === run.id) return floor;
  return Math.max(floor, Math.floor(previous.startedAt / 1000) - EVENTS_OVERLAP_S);
}

interface Step {
  count: number;
  next: string | null;
}

/** A page of one mirrored resource: what differs is written through the ordering guard and reported. */
async function resourcePage(stripe: Stripe, name: (typeof SYNC_RESOURCES)[number], startingAfter: string | null, context: Context, drift: DriftRow[]): Promise<Step> {
  const list = await MIRROR[name].list(stripe, { limit: PAGE_SIZE, ...(startingAfter ? { starting_after: startingAfter } : {}) });
  for (const { id, fields } of await repairDrift(name, list.data, context)) {
    if (fields.length === 0) continue;
    const missing = fields[0] === 'missing';
    // A deletion is final in the mirror (store/mirror.ts): an object Stripe still lists is the seller's to look at.
    const revived = !missing && fields.includes('deleted') && !(MIRROR[name].listedAsDeleted?.(list.data.find((o) => o.id === id)!) ?? false);
    drift.push({
      resource: name,
      objectId: id,
      kind: missing ? 'missing' : 'changed',
      fields: missing ? null : fields,
      outcome: revived ? 'needs_seller' : 'repaired',
      detail: revived ? 'deleted in the shop’s mirror but listed by Stripe: check it in Stripe’s dashboard' : null,
    });
  }
  return { count: list.data.length, next: list.has_more ? (list.data.at(-1)?.id ?? null) : null };
}

/** A page of recent events: each the ledger never handled goes through the webhook's own path now. */
async function eventsPage(stripe: Stripe, since: number, startingAfter: string | null, context: Context & SellerHooks, drift: DriftRow[]): Promise<Step> {
  const events = await stripe.events.list({ limit: PAGE_SIZE, created: { gte: since }, ...(startingAfter ? { starting_after: startingAfter } : {}) });
  const handled = await handledEventIds(context.db, events.data.map((event) => event.id));
  // Oldest first, as Stripe would have sent them.
  for (const event of [...events.data].reverse()) {
    if (handled.has(event.id) || !HANDLED.has(event.type)) continue;
    const payload = JSON.stringify(event);
    const decoded = decodeEvent(payload);
    const outcome = decoded.ok ? await receiveEvent(decoded.event, payload, context) : null;
    const repaired = outcome?.status === 200 && outcome.body.outcome !== 'held';
    drift.push({
      resource: 'events',
      objectId: event.id,
      kind: 'missed_event',
      fields: null,
      outcome: repaired ? 'repaired' : 'needs_seller',
      detail: repaired ? event.type : `${event.type}: ${outcome ? JSON.stringify(outcome.body) : decoded.ok ? '' : decoded.reason}; see the ledger`,
    });
  }
  return { count: events.data.length, next: events.has_more ? (events.data.at(-1)?.id ?? null) : null };
}

const HOUR_MS = 60 * 60 * 1000;

/** RECONCILE_EVERY_HOURS, within 1 hour and a week; 24 when unset or not a number. */
export function reconcileEveryHours(value: string | undefined): number {
  const hours = Number(value?.trim() || 24);
  return Number.isFinite(hours) ? Math.min(168, Math.max(1, hours)) : 24;
}

/**
 * The Cron Trigger's call (every minute, for the outbox): a step when a run is unfinished,
 * or when the last one started RECONCILE_EVERY_HOURS ago; otherwise nothing, and no Stripe call.
 */
export async function reconcileIfDue(stripe: Stripe | null, context: Context & SellerHooks): Promise<ReconcileResponse | null> {
  if (!stripe) return null;
  const run = await latestRun(context.db);
  const due = !run || run.finishedAt === null || context.now() - run.startedAt >= reconcileEveryHours(context.env.RECONCILE_EVERY_HOURS) * HOUR_MS;
  return due ? reconcile(stripe, 'cron', 'cron', context) : null;
}
