// Alerts the seller hears of once per incident: events failing again and again, webhooks
// silent while buyers check out, accepted events stuck on the queue, events the reconciliation
// found missed, the Stripe endpoint disabled. Each shows on the health page (in red) while open, and is logged once when it
// opens as a line an alerting pipe can match: {"msg":"ALERT",…}.
import type Stripe from 'stripe';
import type { Context } from '../platform/context';
import { openAlert, failedByFamily, resolveAlerts, type Alert, type AlertKind } from '../store/alerts';
import { lastEvent } from '../store/ledger';
import { backlogStalled, eventsBacklog, type EventsBacklog } from '../events/backlog';
import type { ReconcileResponse } from '../../contract/api';

/** Failed events of one family that make an incident. */
export const FAILURES_TO_ALERT = 3;
const HOUR_MS = 60 * 60 * 1000;

/** WEBHOOK_QUIET_HOURS: silence longer than this while buyers check out is an incident (default 6; 1 to 168). */
export function quietHours(value: string | undefined): number {
  const hours = Number(value?.trim() || 6);
  return Number.isFinite(hours) ? Math.min(168, Math.max(1, hours)) : 6;
}

type Finding = Omit<Alert, 'openedAt'>;

/**
 * Where an opened alert goes besides the log and the health page. The email step of the outbox
 * (being built) plugs in here: send `alert` to the seller once.
 */
export async function notifySeller(alert: Alert): Promise<void> {
  console.error(JSON.stringify({ msg: 'ALERT', incident: alert.incident, kind: alert.kind, message: alert.message, whatToDo: alert.whatToDo }));
}

/**
 * Checks each condition and opens or resolves its incidents; returns the alerts opened by this
 * call. With `stripe`, also asks Stripe whether buyers checked out during a silence and whether
 * the webhook endpoint is disabled; `reconciled`: the report of a run that just finished.
 */
export async function watchAlerts(context: Context, stripe: Stripe | null, reconciled: ReconcileResponse | null = null): Promise<Alert[]> {
  const findings = new Map<AlertKind, Finding[]>();
  findings.set('events_failing', await failing(context.db));
  const quiet = await silence(context, stripe);
  if (quiet) findings.set('events_quiet', quiet);
  const backlog = await eventsBacklog(context.env);
  if (backlog) findings.set('events_backlog', stalled(backlog, context.now()));
  if (reconciled?.run?.finishedAt) findings.set('missed_events', missed(reconciled));
  if (stripe && reconciled?.run?.finishedAt) {
    const disabled = await disabledEndpoints(stripe);
    if (disabled) findings.set('endpoint_disabled', disabled);
  }
  const now = context.now();
  const opened: Alert[] = [];
  for (const [kind, found] of findings) {
    for (const finding of found) {
      const alert = { ...finding, openedAt: now };
      if (await openAlert(context.db, alert)) opened.push(alert);
    }
    await resolveAlerts(context.db, kind, found.map((finding) => finding.incident), now).run();
  }
  for (const alert of opened) await notifySeller(alert);
  return opened;
}

async function failing(db: D1Database): Promise<Finding[]> {
  return (await failedByFamily(db))
    .filter(({ failed }) => failed >= FAILURES_TO_ALERT)
    .map(({ family, failed }) => ({
      incident: `events_failing:${family}`,
      kind: 'events_failing',
      message: `${failed} ${family}.* events failed and wait in the ledger.`,
      whatToDo: 'Open the ledger in the back office, read their errors, fix the cause, then Retry failed.',
    }));
}

/**
 * Silence is an incident only while buyers check out (a Checkout Session was created after the
 * last event came in): a shop where nobody buys is quiet, not broken. Null: not checked (no Stripe key).
 */
async function silence(context: Context, stripe: Stripe | null): Promise<Finding[] | null> {
  const hours = quietHours(context.env.WEBHOOK_QUIET_HOURS);
  const last = await lastEvent(context.db);
  const silentSince = last?.receivedAt ?? 0;
  if (context.now() - silentSince < hours * HOUR_MS) return [];
  if (!stripe) return null;
  const sessions = await stripe.checkout.sessions.list({ limit: 1, created: { gte: Math.floor(silentSince / 1000) } });
  if (sessions.data.length === 0) return [];
  return [
    {
      incident: 'events_quiet',
      kind: 'events_quiet',
      message: `No Stripe event arrived for more than ${hours} h while buyers created Checkout Sessions.`,
      whatToDo: "In Stripe's dashboard check the webhook endpoint (its URL, that it is enabled, its signing secret = STRIPE_WEBHOOK_SECRET); then Reconcile now on the health page.",
    },
  ];
}

/** Accepted events that wait on the queue past BACKLOG_ALERT_MS: their orders wait with them. */
export function stalled(backlog: EventsBacklog, now: number): Finding[] {
  if (!backlogStalled(backlog, now)) return [];
  const minutes = Math.floor((now - backlog.oldestAt!) / 60_000);
  return [
    {
      incident: 'events_backlog',
      kind: 'events_backlog',
      message: `${backlog.count} webhook event(s) were accepted and have waited up to ${minutes} min on the events queue without their commit: the orders they pay for are not fulfilled yet.`,
      whatToDo:
        "The events consumer is failing or not attached: read the worker's log (npx wrangler tail) for 'event batch failed', and check in Cloudflare's dashboard (Queues → edge-storefront-events) that this worker consumes it. Nothing is lost while they wait (the queue keeps them for days); WEBHOOK_PROCESSING = \"sync\" commits new webhooks on their request meanwhile.",
    },
  ];
}

function missed(report: ReconcileResponse): Finding[] {
  const events = report.drift.filter((entry) => entry.kind === 'missed_event');
  if (events.length === 0) return [];
  return [
    {
      incident: 'missed_events',
      kind: 'missed_events',
      message: `The reconciliation found ${events.length} event(s) Stripe sent that never reached the shop (${events.filter((e) => e.outcome === 'repaired').length} repaired).`,
      whatToDo: "Webhooks are being lost: check the endpoint's deliveries in Stripe's dashboard; the health page's drift report lists what needs you.",
    },
  ];
}

/** Null when Stripe cannot say (a restricted key without webhook access; the local Stripe). */
async function disabledEndpoints(stripe: Stripe): Promise<Finding[] | null> {
  try {
    const endpoints = await stripe.webhookEndpoints.list({ limit: 100 });
    return endpoints.data
      .filter((endpoint) => endpoint.status === 'disabled' && endpoint.url.endsWith('/webhooks/stripe'))
      .map((endpoint) => ({
        incident: `endpoint_disabled:${endpoint.id}`,
        kind: 'endpoint_disabled' as const,
        message: `Stripe reports the webhook endpoint ${endpoint.url} disabled: no event reaches the shop.`,
        whatToDo: "Enable it again in Stripe's dashboard (Developers → Webhooks), then Reconcile now on the health page.",
      }));
  } catch {
    return null;
  }
}
