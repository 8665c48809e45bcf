// Migration 0022 rebuilds orders, order lines, the customers' mirror and licence keys and
// swaps indexes for partial ones: every row survives as it was (a customer keeps only what the
// shop reads), the guards still hold, and only the seller's pool keys are held unique.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const BEFORE = (name: string) => name < '0022';

describe('migration 0022 (rows written per purchase)', () => {
  it('keeps every order, line, customer and key, and the guards of each table', async () => {
    const db = env.MIGRATION_DB;
    await applyD1Migrations(db, env.TEST_MIGRATIONS.filter((migration) => BEFORE(migration.name)));
    await db.batch([
      db.prepare(
        `INSERT INTO orders (id, status, client_reference_id, product_id, amount_total, currency, customer_email, mode, livemode, delivery_token,
           fulfilled_at, created_at, updated_at, payment_intent, amount_refunded, amount_shipping)
         VALUES ('cs_test_kept', 'fulfilled', 'buyer_1', 'field-notes', 1200, 'eur', 'ada@example.com', 'payment', 0, 'tok_kept', 5, 4, 5, 'pi_kept', 0, 300)`,
      ),
      db.prepare(`INSERT INTO orders (id, status, mode, livemode, created_at, updated_at, subscription) VALUES ('cs_test_sub', 'pending', 'subscription', 0, 6, 6, 'sub_1')`),
      db.prepare(`INSERT INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency) VALUES ('cs_test_kept', 0, 'price_1', 'prod_1', 'Field notes', 1, 1200, 'eur')`),
      db.prepare(
        `INSERT INTO stripe_customers (id, email, name, deleted, raw, synced_created, synced_event, updated_at)
         VALUES ('cus_kept', 'ada@example.com', 'Ada', 0, '{"id":"cus_kept","object":"customer","email":"ada@example.com","name":"Ada","phone":"+100","address":{"city":"Paris"}}', 1, 'evt_1', 1)`,
      ),
      db.prepare(`INSERT INTO licence_keys (product_id, key, source, order_id, unit, added_at, assigned_at) VALUES ('field-notes', 'GEN-1', 'generated', 'cs_test_kept', 0, 5, 5)`),
      db.prepare(`INSERT INTO licence_keys (product_id, key, source, added_at) VALUES ('field-notes', 'POOL-1', 'pool', 5)`),
    ]);
    await applyD1Migrations(db, env.TEST_MIGRATIONS.filter((migration) => !BEFORE(migration.name)));

    expect(await db.prepare(`SELECT id, status, client_reference_id, delivery_token, payment_intent, amount_shipping FROM orders ORDER BY id`).all().then((r) => r.results)).toEqual([
      { id: 'cs_test_kept', status: 'fulfilled', client_reference_id: 'buyer_1', delivery_token: 'tok_kept', payment_intent: 'pi_kept', amount_shipping: 300 },
      { id: 'cs_test_sub', status: 'pending', client_reference_id: null, delivery_token: null, payment_intent: null, amount_shipping: null },
    ]);
    expect(await db.prepare(`SELECT order_id, position, description FROM order_line_items`).all().then((r) => r.results)).toEqual([{ order_id: 'cs_test_kept', position: 0, description: 'Field notes' }]);
    const customer = await db.prepare(`SELECT email, name, raw FROM stripe_customers WHERE id = 'cus_kept'`).first<{ email: string; name: string; raw: string }>();
    expect({ ...customer, raw: JSON.parse(customer!.raw) }).toEqual({ email: 'ada@example.com', name: 'Ada', raw: { id: 'cus_kept', object: 'customer', email: 'ada@example.com', name: 'Ada' } });
    expect(await db.prepare(`SELECT key, source, order_id FROM licence_keys ORDER BY id`).all().then((r) => r.results)).toEqual([
      { key: 'GEN-1', source: 'generated', order_id: 'cs_test_kept' },
      { key: 'POOL-1', source: 'pool', order_id: null },
    ]);

    // The guards: an order's id and delivery token, a line's position, a unit's one key, the status check.
    await expect(db.prepare(`INSERT INTO orders (id, status, mode, livemode, created_at, updated_at) VALUES ('cs_test_kept', 'paid', 'payment', 0, 1, 1)`).run()).rejects.toThrow(/UNIQUE/);
    await expect(db.prepare(`INSERT INTO orders (id, status, mode, livemode, created_at, updated_at, delivery_token) VALUES ('cs_test_2', 'paid', 'payment', 0, 1, 1, 'tok_kept')`).run()).rejects.toThrow(/UNIQUE/);
    await expect(db.prepare(`INSERT INTO orders (id, status, mode, livemode, created_at, updated_at) VALUES ('cs_test_3', 'lost', 'payment', 0, 1, 1)`).run()).rejects.toThrow(/CHECK/);
    await expect(db.prepare(`INSERT INTO order_line_items (order_id, position, quantity) VALUES ('cs_test_kept', 0, 1)`).run()).rejects.toThrow(/UNIQUE/);
    await expect(
      db.prepare(`INSERT INTO licence_keys (product_id, key, source, order_id, unit, added_at, assigned_at) VALUES ('field-notes', 'GEN-2', 'generated', 'cs_test_kept', 0, 6, 6)`).run(),
    ).rejects.toThrow(/UNIQUE/);
    // A pool upload skips a key the pool has; a generated key is not checked against the others (125 random bits).
    expect((await db.prepare(`INSERT INTO licence_keys (product_id, key, source, added_at) VALUES ('field-notes', 'POOL-1', 'pool', 6) ON CONFLICT DO NOTHING`).run()).meta.changes).toBe(0);

    const indexes = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('orders', 'stripe_events', 'outbox') AND sql IS NOT NULL ORDER BY name`).all<{ name: string }>();
    expect(indexes.results.map((row) => row.name)).toEqual([
      'orders_by_client_reference',
      'orders_by_created',
      'orders_by_customer_email',
      'orders_by_payment_intent',
      'orders_by_subscription',
      'orders_unfulfilled',
      'orders_with_subscription',
      'outbox_dead',
      'outbox_email_by_order',
      'outbox_pending',
      'stripe_events_by_order',
      'stripe_events_by_received',
      'stripe_events_by_type_received',
      'stripe_events_unsettled',
    ]);
  });
});
