// The back office's action log (migrations/0008_back_office.sql): who did what to which order or event.
/** Every action the log takes; migrations/0017 restates it as the column's CHECK (a test holds the two together). */
export const ADMIN_ACTIONS = [
  'refund_requested',
  'fulfilment_rerun',
  'delivery_retried',
  'event_retried',
  'mirror_synced',
  'object_resynced',
  'reconciled',
  'access_revoked',
  'access_restored',
  'marked_shipped',
  'marked_delivered',
  'receipt_resent',
  'downloads_reset',
  'file_version_published',
  'buyers_notified',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export interface ActionRow {
  at: number;
  actor: string;
  action: AdminAction;
  subject: string;
  detail: string | null;
}

export function logAction(db: D1Database, entry: ActionRow): D1PreparedStatement {
  return db
    .prepare('INSERT INTO admin_actions (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)')
    .bind(entry.at, entry.actor, entry.action, entry.subject, entry.detail);
}

/** Logged only if the batch's approval applied (the order fulfilled at this very moment), so a lost race logs nothing. */
export function logApproval(db: D1Database, entry: ActionRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admin_actions (at, actor, action, subject, detail)
       SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?4 AND status = 'fulfilled' AND updated_at = ?1)`,
    )
    .bind(entry.at, entry.actor, entry.action, entry.subject, entry.detail);
}

/** Logged only if the batch's seller move applied (the order in `status` at this very moment). */
export function logSellerMove(db: D1Database, entry: ActionRow, status: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admin_actions (at, actor, action, subject, detail)
       SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?4 AND status = ?6 AND updated_at = ?1)`,
    )
    .bind(entry.at, entry.actor, entry.action, entry.subject, entry.detail, status);
}

/** A download count's reset, logged with the count it had, in the batch before the reset itself (so only a reset that applies is logged). */
export function logDownloadsReset(db: D1Database, entry: Omit<ActionRow, 'action' | 'detail'>, fileKey: string, reason: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admin_actions (at, actor, action, subject, detail)
       SELECT ?1, ?2, 'downloads_reset', ?3, json_object('file', ?4, 'from', count, 'reason', ?5) FROM download_counts WHERE order_id = ?3 AND file_key = ?4 AND count > 0`,
    )
    .bind(entry.at, entry.actor, entry.subject, fileKey, reason);
}

export async function actionsOn(db: D1Database, subject: string): Promise<ActionRow[]> {
  const { results } = await db.prepare('SELECT at, actor, action, subject, detail FROM admin_actions WHERE subject = ? ORDER BY at LIMIT 200').bind(subject).all<ActionRow>();
  return results;
}

export async function lastAction(db: D1Database, action: AdminAction): Promise<ActionRow | null> {
  return db.prepare('SELECT at, actor, action, subject, detail FROM admin_actions WHERE action = ? ORDER BY at DESC LIMIT 1').bind(action).first<ActionRow>();
}
