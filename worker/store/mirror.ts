// SQL for the Stripe mirror. Every write goes through one guarded upsert, so an
// older version of an object never overwrites a newer one, whatever order
// Stripe delivers events in.

/**
 * Where a mirrored row came from: the event's `created` (seconds), then a
 * tie-break key for events of the same second — see `tieBreak`.
 */
export interface SyncVersion {
  created: number;
  /** Stored as `synced_event`; compared as text when `created` ties. */
  eventId: string;
}

/**
 * Stripe often sends an object's `*.created` and its first `*.updated` in the
 * same second, in any order, with random event ids. Within a second a creation
 * ranks before any update and a deletion after everything; only two updates in
 * one second fall back to the event id (deterministic, but arbitrary: set
 * STRIPE_REFETCH=true where that matters).
 */
export function tieBreak(eventType: string, eventId: string): string {
  const rank = eventType.endsWith('.created') ? 0 : eventType.endsWith('.deleted') ? 2 : 1;
  return `${rank}:${eventId}`;
}

export const MIRROR_COLUMNS = {
  stripe_products: ['active', 'name', 'description', 'default_price'],
  stripe_prices: ['product', 'active', 'currency', 'unit_amount', 'type', 'recurring_interval'],
  stripe_customers: ['email', 'name'],
  stripe_subscriptions: ['customer', 'status', 'cancel_at_period_end'],
  stripe_payment_links: ['active', 'url'],
} as const;

export type MirrorTable = keyof typeof MIRROR_COLUMNS;

/** A row of table `T` (of any mirrored table when `T` is their union). */
export type MirrorRow<T extends MirrorTable> = T extends MirrorTable
  ? { id: string; deleted: boolean; raw: object } & { [column in (typeof MIRROR_COLUMNS)[T][number]]: string | number | null }
  : never;

/**
 * Inserts or updates a mirrored object — only when the stored row is not deleted
 * and the incoming version is not older. A deletion is final and wins over any
 * version: Stripe never revives a deleted product, price, customer or subscription.
 */
export function upsertMirrored<T extends MirrorTable>(db: D1Database, table: T, row: MirrorRow<T>, version: SyncVersion, now: number): D1PreparedStatement {
  const columns: readonly string[] = MIRROR_COLUMNS[table];
  const fields: Record<string, unknown> = row;
  const all = ['id', ...columns, 'deleted', 'raw', 'synced_created', 'synced_event', 'updated_at'];
  const values = [
    row.id,
    ...columns.map((column) => (fields[column] as string | number | null | undefined) ?? null),
    row.deleted ? 1 : 0,
    JSON.stringify(row.raw),
    version.created,
    version.eventId,
    now,
  ];
  return db
    .prepare(
      `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map((_, index) => `?${index + 1}`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${all.slice(1).map((column) => `${column} = excluded.${column}`).join(', ')}
       WHERE ${table}.deleted = 0 AND (
         excluded.deleted = 1
         OR excluded.synced_created > ${table}.synced_created
         OR (excluded.synced_created = ${table}.synced_created AND excluded.synced_event >= ${table}.synced_event))`,
    )
    .bind(...values);
}

export interface SubscriptionItemRow {
  id: string;
  price: string;
  product: string;
  quantity: number | null;
}

/**
 * Replaces a subscription's items, in the same batch as its upsert and only if
 * that upsert took this event (the row now carries its id): a stale event
 * leaves the items of the newer version alone.
 */
export function replaceSubscriptionItems(db: D1Database, subscriptionId: string, items: SubscriptionItemRow[], version: SyncVersion): D1PreparedStatement[] {
  const tookThisEvent = `(SELECT synced_event FROM stripe_subscriptions WHERE id = ?1) = ?2`;
  return [
    db.prepare(`DELETE FROM stripe_subscription_items WHERE subscription = ?1 AND ${tookThisEvent}`).bind(subscriptionId, version.eventId),
    ...items.map((item) =>
      db
        .prepare(`INSERT INTO stripe_subscription_items (id, subscription, price, product, quantity) SELECT ?3, ?1, ?4, ?5, ?6 WHERE ${tookThisEvent}`)
        .bind(subscriptionId, version.eventId, item.id, item.price, item.product, item.quantity),
    ),
  ];
}

const MIRROR_TABLES = Object.keys(MIRROR_COLUMNS) as MirrorTable[];

/** Rows per mirror table (deleted ones apart). These tables hold a shop's catalog and customers: counted whole. */
export async function mirrorCounts(db: D1Database): Promise<Record<string, { rows: number; deleted: number; lastUpdatedAt: number | null }>> {
  const results = await db.batch<{ rows: number; deleted: number; last: number | null }>(
    MIRROR_TABLES.map((table) => db.prepare(`SELECT count(*) AS rows, coalesce(sum(deleted), 0) AS deleted, max(updated_at) AS last FROM ${table}`)),
  );
  return Object.fromEntries(
    MIRROR_TABLES.map((table, i) => {
      const row = results[i]?.results[0];
      return [table.replace(/^stripe_/, ''), { rows: (row?.rows ?? 0) - (row?.deleted ?? 0), deleted: row?.deleted ?? 0, lastUpdatedAt: row?.last ?? null }];
    }),
  );
}

/** The stored columns of `ids` in `table` (deleted included), to compare with what Stripe lists. */
export async function storedRows(db: D1Database, table: MirrorTable, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const columns = ['id', ...MIRROR_COLUMNS[table], 'deleted'];
  const { results } = await db
    .prepare(`SELECT ${columns.join(', ')} FROM ${table} WHERE id IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(ids))
    .all<Record<string, unknown>>();
  return new Map(results.map((row) => [String(row.id), row]));
}

/** One mirrored Stripe customer by its id (deleted included), or null. */
export async function findMirroredCustomer(db: D1Database, id: string): Promise<{ id: string; name: string | null; email: string | null; deleted: number } | null> {
  return db.prepare('SELECT id, name, email, deleted FROM stripe_customers WHERE id = ?').bind(id).first();
}
