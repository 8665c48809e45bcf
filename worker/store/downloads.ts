// Download counts: one row per order and file (migrations/0007).
import { SERVES_ACCESS, sqlStatusList } from '../../contract/order-states';

/** The states that serve files and keys, as SQL (generated from the state table). */
const ACCESS = sqlStatusList(SERVES_ACCESS);

/**
 * Counts one download of `fileKey` for the order, if the order is fulfilled and the
 * file has been downloaded fewer than `limit` times; returns the new count, or null
 * when refused. One statement decides and counts, so concurrent downloads cannot both
 * take the last one, and a refund committed a moment earlier refuses at once.
 */
export async function claimDownload(db: D1Database, orderId: string, fileKey: string, limit: number, now: number): Promise<number | null> {
  const row = await db
    .prepare(
      `INSERT INTO download_counts (order_id, file_key, count, last_at)
       SELECT id, ?2, 1, ?4 FROM orders WHERE id = ?1 AND status IN (${ACCESS}) AND ?3 >= 1
       ON CONFLICT (order_id, file_key) DO UPDATE SET count = count + 1, last_at = excluded.last_at
       WHERE download_counts.count < ?3
       RETURNING count`,
    )
    .bind(orderId, fileKey, limit, now)
    .first<{ count: number }>();
  return row?.count ?? null;
}

/** The order's status now, to explain a refused download. */
export async function orderStatusOf(db: D1Database, orderId: string): Promise<string | null> {
  const row = await db.prepare('SELECT status FROM orders WHERE id = ?').bind(orderId).first<{ status: string }>();
  return row?.status ?? null;
}

/** How often each file of the order was downloaded, and when last (ms): by the primary key. */
export async function downloadCountsOf(db: D1Database, orderId: string): Promise<{ file: string; count: number; lastAt: number }[]> {
  const { results } = await db
    .prepare('SELECT file_key AS file, count, last_at AS lastAt FROM download_counts WHERE order_id = ? ORDER BY file_key')
    .bind(orderId)
    .all<{ file: string; count: number; lastAt: number }>();
  return results;
}

/** One file's count of the order back to 0 (its last download time kept); changes nothing when it is 0 already. */
export function resetDownloadCount(db: D1Database, orderId: string, fileKey: string): D1PreparedStatement {
  return db.prepare('UPDATE download_counts SET count = 0 WHERE order_id = ?1 AND file_key = ?2 AND count > 0').bind(orderId, fileKey);
}
