// Licence keys (migrations/0007): generated at fulfilment, or taken from the seller's pool.
import { SERVES_ACCESS, sqlStatusList } from '../../contract/order-states';

/** The states that serve files and keys, as SQL (generated from the state table). */
const ACCESS = sqlStatusList(SERVES_ACCESS);

/** Records a generated key for one unit (from 0) of the order's product, if the batch left the order fulfilled and that unit has none yet. */
export function saveGeneratedKey(db: D1Database, orderId: string, productId: string, unit: number, key: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO licence_keys (product_id, key, source, order_id, unit, added_at, assigned_at)
       SELECT ?2, ?3, 'generated', id, ?5, ?4, ?4 FROM orders WHERE id = ?1 AND status IN (${ACCESS})
       ON CONFLICT DO NOTHING`,
    )
    .bind(orderId, productId, key, now, unit);
}

/**
 * Gives one unit (from 0) of the order's product the oldest free pool key, if the batch left the
 * order fulfilled and that unit holds none yet. One statement picks and takes the key
 * (`order_id IS NULL` in the same UPDATE), so no key is ever given twice.
 */
export function assignPoolKey(db: D1Database, orderId: string, productId: string, unit: number, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE licence_keys SET order_id = ?1, unit = ?4, assigned_at = ?3
       WHERE id = (SELECT id FROM licence_keys WHERE product_id = ?2 AND order_id IS NULL ORDER BY id LIMIT 1)
         AND order_id IS NULL
         AND EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND status IN (${ACCESS}))
         AND NOT EXISTS (SELECT 1 FROM licence_keys WHERE order_id = ?1 AND product_id = ?2 AND unit = ?4)`,
    )
    .bind(orderId, productId, now, unit);
}

/** Adds keys to a product's pool (keys it already has are skipped); how many were added, and how many are free now. */
export async function addPoolKeys(db: D1Database, productId: string, keys: string[], now: number): Promise<{ added: number; available: number }> {
  const inserts = keys.map((key) =>
    db.prepare(`INSERT INTO licence_keys (product_id, key, source, added_at) VALUES (?1, ?2, 'pool', ?3) ON CONFLICT DO NOTHING`).bind(productId, key, now),
  );
  const results = await db.batch([...inserts, db.prepare('SELECT count(*) AS available FROM licence_keys WHERE product_id = ? AND order_id IS NULL').bind(productId)]);
  const added = results.slice(0, inserts.length).reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
  const available = (results[inserts.length]!.results[0] as { available: number }).available;
  return { added, available };
}

/** The keys an order holds, by product and unit: through the unique index licence_keys_one_per_unit. */
export async function keysOfOrder(db: D1Database, orderId: string): Promise<{ product: string; unit: number; key: string }[]> {
  const { results } = await db
    .prepare('SELECT product_id AS product, unit, key FROM licence_keys WHERE order_id = ? ORDER BY product_id, unit')
    .bind(orderId)
    .all<{ product: string; unit: number; key: string }>();
  return results;
}
