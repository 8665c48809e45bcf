// Migration 0020 rebuilds the ledger with fewer indexes: it keeps every event, gives each the
// order it belongs to, marks the dead-lettered ones, and the claim assertion still guards a batch.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('migration 0020 (the lean ledger)', () => {
  it('keeps every event with its order key and dead-letter mark (an ignored one without its payload), drops the payload indexes, and the claim assertion still aborts a losing batch', async () => {
    const db = env.MIGRATION_DB;
    await applyD1Migrations(db, env.TEST_MIGRATIONS.filter((migration) => migration.name < '0020'));
    const insert = (id: string, type: string, status: string, payload: object, lastError: string | null = null) =>
      db
        .prepare(`INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, payload, last_error) VALUES (?1, ?2, 1, 0, ?3, 1, 5, ?4, ?5)`)
        .bind(id, type, status, JSON.stringify(payload), lastError)
        .run();
    await insert('evt_session', 'checkout.session.completed', 'processed', { data: { object: { id: 'cs_test_kept', payment_intent: 'pi_kept' } } });
    await insert('evt_refund', 'charge.refunded', 'processed', { data: { object: { id: 'ch_kept', payment_intent: 'pi_kept' } } });
    await insert('evt_product', 'product.updated', 'processed', { data: { object: { id: 'prod_kept' } } });
    await insert('evt_ignored', 'payment_intent.created', 'ignored', { data: { object: { id: 'pi_ignored' } } });
    await insert('evt_dead', 'charge.dispute.created', 'failed', { data: { object: { id: 'dp_kept', payment_intent: 'pi_other' } } }, 'dead-lettered after 5 deliveries from the queue: boom');
    await applyD1Migrations(db, env.TEST_MIGRATIONS.filter((migration) => migration.name >= '0020' && migration.name < '0022'));

    const { results } = await db.prepare('SELECT id, status, order_key AS orderKey, dead_lettered_at AS deadLetteredAt, payload IS NOT NULL AS hasPayload FROM stripe_events ORDER BY id').all();
    expect(results).toEqual([
      { id: 'evt_dead', status: 'failed', orderKey: 'pi_other', deadLetteredAt: 5, hasPayload: 1 },
      { id: 'evt_ignored', status: 'ignored', orderKey: 'pi_ignored', deadLetteredAt: null, hasPayload: 0 },
      { id: 'evt_product', status: 'processed', orderKey: null, deadLetteredAt: null, hasPayload: 1 },
      { id: 'evt_refund', status: 'processed', orderKey: 'pi_kept', deadLetteredAt: null, hasPayload: 1 },
      { id: 'evt_session', status: 'processed', orderKey: 'cs_test_kept', deadLetteredAt: null, hasPayload: 1 },
    ]);
    const indexes = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stripe_events' AND sql IS NOT NULL ORDER BY name`).all<{ name: string }>();
    expect(indexes.results.map((row) => row.name)).toEqual(['stripe_events_by_order', 'stripe_events_by_received', 'stripe_events_by_status_received', 'stripe_events_by_type_received']);
    await expect(db.batch([db.prepare(`INSERT INTO ledger_claim_won (event_id, claim_token) VALUES ('evt_session', 'not-the-token')`)])).rejects.toThrow(/event already claimed/);
  });
});
