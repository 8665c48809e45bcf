// SQL of the reconciliation (migrations/0016_reconcile_and_recover.sql): its runs, each
// carried on across calls by a cursor, and the drift report each run writes.
import type { DriftEntry } from '../../contract/api';

export interface ReconcileCursor {
  /** Index into the steps (worker/admin/reconcile.ts). */
  step: number;
  startingAfter: string | null;
}

export interface ReconcileRun {
  id: string;
  startedAt: number;
  finishedAt: number | null;
  trigger: 'cron' | 'admin';
  pages: number;
  compared: number;
  cursor: ReconcileCursor | null;
}

/** A drift report's row is the contract's entry: the back office reads it as stored. */
export type DriftRow = DriftEntry;

interface RunRecord {
  id: string;
  started_at: number;
  finished_at: number | null;
  trigger: 'cron' | 'admin';
  pages: number;
  compared: number;
  cursor: string | null;
}

const runOf = (row: RunRecord): ReconcileRun => ({
  id: row.id,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  trigger: row.trigger,
  pages: row.pages,
  compared: row.compared,
  cursor: row.cursor ? (JSON.parse(row.cursor) as ReconcileCursor) : null,
});

/** The newest run (finished or not). */
export async function latestRun(db: D1Database): Promise<ReconcileRun | null> {
  const row = await db.prepare('SELECT * FROM reconcile_runs ORDER BY started_at DESC LIMIT 1').first<RunRecord>();
  return row ? runOf(row) : null;
}

/** The newest finished run: a later run's events need only go back to its start. */
export async function latestFinishedRun(db: D1Database): Promise<ReconcileRun | null> {
  const row = await db.prepare('SELECT * FROM reconcile_runs WHERE finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 1').first<RunRecord>();
  return row ? runOf(row) : null;
}

export function startRun(db: D1Database, run: Pick<ReconcileRun, 'id' | 'startedAt' | 'trigger'>): D1PreparedStatement {
  return db
    .prepare("INSERT INTO reconcile_runs (id, started_at, trigger, cursor) VALUES (?1, ?2, ?3, '{\"step\":0,\"startingAfter\":null}')")
    .bind(run.id, run.startedAt, run.trigger);
}

/** What one call of a run did: its pages and comparisons added, where it stopped, finished or not. */
export function advanceRun(db: D1Database, id: string, pages: number, compared: number, cursor: ReconcileCursor | null, finishedAt: number | null): D1PreparedStatement {
  return db
    .prepare('UPDATE reconcile_runs SET pages = pages + ?2, compared = compared + ?3, cursor = ?4, finished_at = ?5 WHERE id = ?1 AND finished_at IS NULL')
    .bind(id, pages, compared, cursor ? JSON.stringify(cursor) : null, finishedAt);
}

export function recordDrift(db: D1Database, run: string, drift: DriftRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO reconcile_drift (run, resource, object_id, kind, fields, outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (run, resource, object_id) DO NOTHING`,
    )
    .bind(run, drift.resource, drift.objectId, drift.kind, drift.fields ? JSON.stringify(drift.fields) : null, drift.outcome, drift.detail);
}

/** A run's drift report, at most `limit` rows. */
export async function driftOf(db: D1Database, run: string, limit = 500): Promise<DriftRow[]> {
  const { results } = await db
    .prepare('SELECT resource, object_id, kind, fields, outcome, detail FROM reconcile_drift WHERE run = ?1 ORDER BY resource, object_id LIMIT ?2')
    .bind(run, limit)
    .all<{ resource: string; object_id: string; kind: DriftRow['kind']; fields: string | null; outcome: DriftRow['outcome']; detail: string | null }>();
  return results.map((row) => ({ resource: row.resource, objectId: row.object_id, kind: row.kind, fields: row.fields ? (JSON.parse(row.fields) as string[]) : null, outcome: row.outcome, detail: row.detail }));
}

/** Which of `ids` the ledger has handled (processed or ignored): the others were missed, or failed. */
export async function handledEventIds(db: D1Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { results } = await db
    .prepare("SELECT id FROM stripe_events WHERE id IN (SELECT value FROM json_each(?1)) AND status IN ('processed', 'ignored')")
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return new Set(results.map((row) => row.id));
}
