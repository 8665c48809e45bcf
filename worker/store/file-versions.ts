// Versions of catalog files (migrations/0021_file_versions.sql): the newest version of each key is
// what downloads, order pages and the library serve; past buyers may be told of it by email.
import { SERVES_ACCESS, sqlStatusList } from '../../contract/order-states';

export interface FileVersion {
  fileKey: string;
  version: number;
  r2Key: string;
  size: number;
  sha256: string;
  note: string;
  /** ms */
  publishedAt: number;
}

const COLUMNS = 'file_key AS fileKey, version, r2_key AS r2Key, size, sha256, note, published_at AS publishedAt';

/** The newest version of each of `fileKeys` that has one (a key never re-published is absent): by the primary key. */
export function selectNewestFileVersions(db: D1Database, fileKeys: readonly string[]): D1PreparedStatement {
  // SQLite takes the bare columns from the row holding MAX(version).
  return db
    .prepare(`SELECT ${COLUMNS.replace('version,', 'MAX(version) AS version,')} FROM file_versions WHERE file_key IN (SELECT value FROM json_each(?1)) GROUP BY file_key`)
    .bind(JSON.stringify([...new Set(fileKeys)]));
}

/** Reads `selectNewestFileVersions`' result: by file key. */
export function fileVersionsIn(result: D1Result | undefined): Map<string, FileVersion> {
  return new Map(((result?.results ?? []) as FileVersion[]).map((row) => [row.fileKey, row]));
}

export async function newestFileVersions(db: D1Database, fileKeys: readonly string[]): Promise<Map<string, FileVersion>> {
  if (fileKeys.length === 0) return new Map();
  return fileVersionsIn(await selectNewestFileVersions(db, fileKeys).all());
}

// D1 binds every JS number as a REAL: cast, so that version 2 reads `@v2`, never `@v2.0`.
const VERSION = 'CAST(?2 AS INTEGER)';
const LIMIT = 'CAST(?4 AS INTEGER)';

/** The outbox subject of one file version's message to one buyer: at most one per version and address. */
const NOTICE_SUBJECT = `'file_updated:' || ?1 || '@v' || ${VERSION} || ':' || lower(o.customer_email)`;

/**
 * The past buyers of a file version, as the orders that bought one of `products` (by the line's
 * catalog slug, its mirrored Stripe product's `catalog_id`, or the order's own product), still
 * serve access and have an address; grouped by address (one order each, its newest), less those
 * already told of this version.
 */
function pastBuyers(limit: string): string {
  return `SELECT lower(o.customer_email) AS email, MAX(o.created_at) AS createdAt, o.id AS orderId FROM orders o
    WHERE o.status IN (${sqlStatusList(SERVES_ACCESS)}) AND o.customer_email IS NOT NULL AND o.livemode = ?7
      AND (o.product_id IN (SELECT value FROM json_each(?3))
        OR o.id IN (SELECT l.order_id FROM order_line_items l WHERE l.product IN (SELECT value FROM json_each(?3))
          OR l.product IN (SELECT p.id FROM stripe_products p WHERE json_extract(p.raw, '$.metadata.catalog_id') IN (SELECT value FROM json_each(?3)))))
      AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.kind = 'email' AND x.subject = ${NOTICE_SUBJECT})
    GROUP BY lower(o.customer_email) ${limit}`;
}

/**
 * Queues the next `limit` past buyers' messages about a file version (an email row each, subject
 * `file_updated:<key>@v<version>:<address>`, so a second call never tells anyone twice).
 */
export function queueFileUpdateNotices(
  db: D1Database,
  notice: { fileKey: string; version: number; note: string; products: string[]; livemode: boolean; limit: number; now: number },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO outbox (subject, kind, payload, created_at, next_attempt_at)
       SELECT 'file_updated:' || ?1 || '@v' || ${VERSION} || ':' || email, 'email',
              json_object('template', 'file_updated', 'order', orderId, 'file', ?1, 'version', ${VERSION}, 'note', ?5), ?6, ?6
       FROM (${pastBuyers(`ORDER BY email LIMIT ${LIMIT}`)}) WHERE true
       ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
    )
    .bind(notice.fileKey, notice.version, JSON.stringify(notice.products), notice.limit, notice.note, notice.now, notice.livemode ? 1 : 0);
}

/** How many past buyers of the version are not yet told of it (after a queueing, in its batch: those left). */
export function countUntoldBuyers(db: D1Database, notice: { fileKey: string; version: number; products: string[]; livemode: boolean }): D1PreparedStatement {
  // ?4-?6 are the queueing's (limit, note, now): unused here, bound so the placeholders line up.
  return db.prepare(`SELECT count(*) AS untold FROM (${pastBuyers('')})`).bind(notice.fileKey, notice.version, JSON.stringify(notice.products), null, null, null, notice.livemode ? 1 : 0);
}

/**
 * The seller's 'buyers_notified' log entry, in the batch before the queueing: how many it queues
 * (the untold, up to the limit) and how many stay untold after it.
 */
export function logBuyersNotified(
  db: D1Database,
  notice: { fileKey: string; version: number; products: string[]; livemode: boolean; limit: number; now: number },
  actor: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admin_actions (at, actor, action, subject, detail)
       SELECT ?6, ?8, 'buyers_notified', ?1, json_object('version', ${VERSION}, 'queued', min(untold, ${LIMIT}), 'untold', max(untold - ${LIMIT}, 0))
       FROM (SELECT count(*) AS untold FROM (${pastBuyers('')}))`,
    )
    .bind(notice.fileKey, notice.version, JSON.stringify(notice.products), notice.limit, null, notice.now, notice.livemode ? 1 : 0, actor);
}

/** How many messages about the version were queued so far (sent or not). */
export function countToldBuyers(db: D1Database, notice: { fileKey: string; version: number }): D1PreparedStatement {
  return db
    .prepare(`SELECT count(*) AS told FROM outbox WHERE kind = 'email' AND subject >= ?1 AND subject < ?1 || char(0x10FFFF)`)
    .bind(`file_updated:${notice.fileKey}@v${notice.version}:`);
}
