// SQL of the seller's alerts (migrations/0016_reconcile_and_recover.sql, 0023): one row per
// incident, opened once and resolved when its condition clears.
import { UNSETTLED } from './ledger';

/** The kinds of incident (the alerts table's CHECK holds exactly these: migrations/0023). */
export const ALERT_KINDS = ['events_failing', 'events_quiet', 'events_backlog', 'missed_events', 'endpoint_disabled'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  incident: string;
  kind: AlertKind;
  openedAt: number;
  message: string;
  whatToDo: string;
}

/** Opens the incident unless it is open already: true only for the call that opened it. */
export async function openAlert(db: D1Database, alert: Alert): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO alerts (incident, kind, opened_at, message, what_to_do) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (incident) DO UPDATE SET opened_at = excluded.opened_at, resolved_at = NULL, message = excluded.message, what_to_do = excluded.what_to_do
       WHERE alerts.resolved_at IS NOT NULL`,
    )
    .bind(alert.incident, alert.kind, alert.openedAt, alert.message, alert.whatToDo)
    .run();
  return result.meta.changes > 0;
}

/** Resolves every open incident of `kind` not in `stillOpen`. */
export function resolveAlerts(db: D1Database, kind: AlertKind, stillOpen: string[], now: number): D1PreparedStatement {
  return db
    .prepare('UPDATE alerts SET resolved_at = ?3 WHERE kind = ?1 AND resolved_at IS NULL AND incident NOT IN (SELECT value FROM json_each(?2))')
    .bind(kind, JSON.stringify(stillOpen), now);
}

export async function openAlerts(db: D1Database): Promise<Alert[]> {
  const { results } = await db
    .prepare('SELECT incident, kind, opened_at AS openedAt, message, what_to_do AS whatToDo FROM alerts WHERE resolved_at IS NULL ORDER BY opened_at')
    .all<Alert>();
  return results;
}

/**
 * Failed events per family (the type's first word: checkout, charge, product, …). Failed rows are
 * few, read through the index of unsettled events (UNSETTLED states its condition).
 */
export async function failedByFamily(db: D1Database): Promise<{ family: string; failed: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT substr(type, 1, instr(type || '.', '.') - 1) AS family, count(*) AS failed
       FROM stripe_events WHERE status = 'failed' AND ${UNSETTLED} GROUP BY family`,
    )
    .all<{ family: string; failed: number }>();
  return results;
}
