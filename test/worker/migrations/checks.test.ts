// The database says what it means: enumerated columns refuse values outside their
// enumeration, and the migration that added the constraints kept every row.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../../contract/api';
import { ADMIN_ACTIONS } from '../../../worker/store/admin-actions';
import { ALERT_KINDS } from '../../../worker/store/alerts';

const insertOrder = (db: D1Database, id: string, status: string, mode = 'payment') =>
  db
    .prepare(`INSERT INTO orders (id, status, mode, livemode, created_at, updated_at) VALUES (?, ?, ?, 0, 1, 1)`)
    .bind(id, status, mode)
    .run();

describe('CHECK constraints on enumerated columns', () => {
  it('orders.status takes exactly the order statuses', async () => {
    for (const status of ORDER_STATUSES) await insertOrder(env.DB, `cs_test_check_${status}_${crypto.randomUUID().slice(0, 8)}`, status);
    await expect(insertOrder(env.DB, `cs_test_check_bad_${crypto.randomUUID().slice(0, 8)}`, 'teleported')).rejects.toThrow(/CHECK constraint failed/);
    await expect(insertOrder(env.DB, `cs_test_check_mode_${crypto.randomUUID().slice(0, 8)}`, 'pending', 'rental')).rejects.toThrow(/CHECK constraint failed/);
  });

  it('admin_actions.action takes exactly the actions the worker logs', async () => {
    const insert = (action: string) =>
      env.DB.prepare(`INSERT INTO admin_actions (at, actor, action, subject) VALUES (1, 'check', ?, 'subject_check')`).bind(action).run();
    for (const action of ADMIN_ACTIONS) await insert(action);
    await expect(insert('teleported')).rejects.toThrow(/CHECK constraint failed/);
  });

  it('alerts.kind takes exactly the kinds of incident the worker opens', async () => {
    const insert = (kind: string) =>
      env.DB.prepare(`INSERT INTO alerts (incident, kind, opened_at, resolved_at, message, what_to_do) VALUES (?1, ?2, 1, 2, 'm', 'w')`).bind(`check:${kind}:${crypto.randomUUID()}`, kind).run();
    for (const kind of ALERT_KINDS) await insert(kind);
    await expect(insert('teleported')).rejects.toThrow(/CHECK constraint failed/);
  });

  it.each([
    ['stripe_prices.type', `INSERT INTO stripe_prices (id, product, active, currency, type, raw, synced_created, synced_event, updated_at) VALUES ('price_chk', 'p', 1, 'usd', 'weekly', '{}', 1, 'e', 1)`],
    ['stripe_prices.recurring_interval', `INSERT INTO stripe_prices (id, product, active, currency, type, recurring_interval, raw, synced_created, synced_event, updated_at) VALUES ('price_chk2', 'p', 1, 'usd', 'recurring', 'fortnight', '{}', 1, 'e', 1)`],
    ['stripe_subscriptions.status', `INSERT INTO stripe_subscriptions (id, customer, status, cancel_at_period_end, raw, synced_created, synced_event, updated_at) VALUES ('sub_chk', 'c', 'frozen', 0, '{}', 1, 'e', 1)`],
    ['stripe_products.active', `INSERT INTO stripe_products (id, active, name, raw, synced_created, synced_event, updated_at) VALUES ('prod_chk', 2, 'n', '{}', 1, 'e', 1)`],
    ['outbox.kind', `INSERT INTO outbox (subject, kind, created_at, next_attempt_at) VALUES ('x', 'letter', 1, 1)`],
    ['payment_revocations.status', `INSERT INTO payment_revocations (payment_intent, status, event_id, recorded_at) VALUES ('pi_chk', 'chargeback', 'evt', 1)`],
  ])('%s refuses a value outside its enumeration', async (_column, sql) => {
    await expect(env.DB.prepare(sql).run()).rejects.toThrow(/CHECK constraint failed/);
  });

  it('the migration that added them kept every row of an existing database', async () => {
    const db = env.MIGRATION_DB;
    const before = env.TEST_MIGRATIONS.filter((migration) => migration.name < '0006');
    const rest = env.TEST_MIGRATIONS.filter((migration) => migration.name >= '0006');
    await applyD1Migrations(db, before);
    await insertOrder(db, 'cs_test_kept_1', 'fulfilled');
    await db.prepare(`UPDATE orders SET payment_intent = 'pi_kept', delivery_token = 'dl_kept_token' WHERE id = 'cs_test_kept_1'`).run();
    await db
      .prepare(`INSERT INTO stripe_prices (id, product, active, currency, unit_amount, type, recurring_interval, raw, synced_created, synced_event, updated_at) VALUES ('price_kept', 'prod_kept', 1, 'usd', 500, 'recurring', 'month', '{}', 1, 'evt', 1)`)
      .run();
    await applyD1Migrations(db, rest);
    expect(await db.prepare(`SELECT id, status, payment_intent, delivery_token FROM orders`).all()).toMatchObject({
      results: [{ id: 'cs_test_kept_1', status: 'fulfilled', payment_intent: 'pi_kept', delivery_token: 'dl_kept_token' }],
    });
    expect(await db.prepare(`SELECT id, unit_amount, recurring_interval FROM stripe_prices`).all()).toMatchObject({ results: [{ id: 'price_kept', unit_amount: 500, recurring_interval: 'month' }] });
    // The indexes came back with their tables.
    const { results } = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all<{ name: string }>();
    expect(results.map((row) => row.name)).toEqual(
      expect.arrayContaining(['orders_by_client_reference', 'orders_by_payment_intent', 'stripe_prices_by_product', 'stripe_products_by_catalog_id', 'stripe_subscriptions_by_customer']),
    );
  });
});
