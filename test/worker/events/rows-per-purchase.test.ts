// Write less per purchase (issue 22), measured from D1's own `meta.rows_written` (index
// entries included; D1 bills them) and `meta.size_after`: the webhooks Stripe sends the shop's
// endpoint for a Payment Link purchase by a new customer (customer.created,
// checkout.session.completed), committed by the EVENTS consumer, and the order's delivery and
// receipt from the outbox. Rows and bytes, not time: deterministic.
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { findProduct } from '../../../catalog';
import { clearExpiredEventPayloads } from '../../../worker/events/retention';
import { testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

/** A D1 binding that sums `meta.rows_written` per table written, over batches and single statements. */
function meteredDb(db: D1Database) {
  const byTable = new Map<string, number>();
  const add = (sql: string, rows: number) => {
    const table = /^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)/i.exec(sql)?.[1] ?? 'reads';
    byTable.set(table, (byTable.get(table) ?? 0) + rows);
  };
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values), sql);
        if (property === 'run' || property === 'all') {
          return async () => {
            const result = await (target[property] as () => Promise<D1Result>).call(target);
            add(sql, result.meta.rows_written ?? 0);
            return result;
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const metered = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrap(target.prepare(sql), sql);
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          results.forEach((result, i) => add((statements[i] as unknown as { statement: string }).statement, result.meta.rows_written ?? 0));
          return results;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const total = () => [...byTable.values()].reduce((sum, rows) => sum + rows, 0);
  return { db: metered, byTable, total };
}

async function purchase(app: ReturnType<typeof testApp>, db: D1Database) {
  const customer = { ...fixture<{ id: string }>('customer'), id: `cus_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}` };
  const paid = checkoutSession({ customer: customer.id, payment_intent: `pi_${crypto.randomUUID().replaceAll('-', '')}` });
  const events = [event('customer.created', customer), event('checkout.session.completed', paid)];
  for (const sent of events) expect((await app.send(await delivery(sent), testEnv({ DB: db }))).status).toBe(200);
  return { sessionId: paid.id, eventIds: events.map((e) => e.id) };
}

const databaseBytes = async () => (await env.DB.prepare('SELECT 1').all()).meta.size_after ?? 0;
const payloadBytes = async (ids: string[]) =>
  (await env.DB.prepare('SELECT coalesce(sum(length(payload)), 0) AS n FROM stripe_events WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(ids)).first<{ n: number }>())!.n;
const PURCHASES = 20;
/** Enough that D1's 4 KiB pages average out. */
const STORED_PURCHASES = 40;

beforeEach(async () => {
  const { key } = findProduct('field-notes')!.files![0]!;
  await env.FILES!.put(key, new Uint8Array(32));
  await env.DB.prepare('DELETE FROM ledger_retention').run();
});

describe('D1 rows written per purchase', () => {
  it('a purchase writes 32 rows (index entries included): 9 the ledger rows of its two events (16 before issue 22), 6 its order (9 before)', async () => {
    const app = testApp({}, { webhooks: 'queue' });
    await purchase(app, env.DB); // warm: the catalog's mirror rows and the first key pool are not per purchase
    const { db, byTable, total } = meteredDb(env.DB);
    for (let i = 0; i < PURCHASES; i++) await purchase(app, db);
    expect(app.deliveries).toHaveLength(PURCHASES + 1);
    // Per table, and what each row written is (migrations/0020 and 0022 cut the rest):
    expect(Object.fromEntries([...byTable].filter(([, rows]) => rows > 0).map(([table, rows]) => [table, rows / PURCHASES]))).toEqual({
      // Each event: its row, its id's key, arrival and type index entries; the session's also its order key.
      stripe_events: 9,
      // One b-tree keyed by the customer's id.
      stripe_customers: 1,
      // The row keyed by the session id; its delivery token, client reference, payment intent, time and email entries.
      orders: 6,
      order_line_items: 1,
      order_buyer_details: 1,
      // The generated key's row and its one-per-unit entry.
      licence_keys: 2,
      // The delivery and receipt rows with their subject and pending entries (the receipt's also its
      // order's), each claimed, then done — or dead, which adds its dead entry (no email provider here).
      outbox: 12,
    });
    expect(total() / PURCHASES).toBe(32);
  }, 30_000);

  it('an ignored event is kept by id, type and time without its payload', async () => {
    const app = testApp({}, { webhooks: 'queue' });
    const intent = event('payment_intent.succeeded', fixture('payment_intent'));
    expect((await app.send(await delivery(intent))).status).toBe(200);
    const row = await env.DB.prepare('SELECT status, type, created, payload FROM stripe_events WHERE id = ?').bind(intent.id).first();
    expect(row).toEqual({ status: 'ignored', type: 'payment_intent.succeeded', created: intent.created, payload: null });
  });
});

describe('D1 storage per purchase', () => {
  it('the scheduled clearing after retention removes every payload byte of a purchase’s events, which are most of what it stores', async () => {
    const app = testApp({}, { webhooks: 'queue' });
    await purchase(app, env.DB);
    const before = await databaseBytes();
    const eventIds: string[] = [];
    for (let i = 0; i < STORED_PURCHASES; i++) eventIds.push(...(await purchase(app, env.DB)).eventIds);
    const stored = ((await databaseBytes()) - before) / STORED_PURCHASES;
    const payloads = (await payloadBytes(eventIds)) / STORED_PURCHASES;
    const cleared = await clearExpiredEventPayloads({ db: env.DB, env: testEnv(), now: () => Date.now() + 31 * 24 * 3600 * 1000 }, 1000);
    expect(cleared).toBeGreaterThanOrEqual(eventIds.length);
    expect(await payloadBytes(eventIds)).toBe(0);
    // D1's size counts freed pages until they are reused, so what is kept is the size less the payloads.
    console.log(JSON.stringify({ storedPerPurchase: stored, payloadPerPurchase: payloads, keptPerPurchase: stored - payloads }));
    expect(payloads).toBeGreaterThan(stored / 2);
  }, 30_000);
});
