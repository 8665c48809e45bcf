// The ledger keeps an event's payload while it can still be retried or inspected: the
// scheduled job clears a processed event's payload once it is older than
// LEDGER_PAYLOAD_RETENTION_DAYS, a bounded number per run; failed events keep theirs.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearExpiredEventPayloads } from '../../../worker/events/retention';
import worker from '../../../worker/index';
import { testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { newEventId } from '../support/stripe';

const DAY = 24 * 3600 * 1000;

async function ledgerRow(status: 'processed' | 'failed', receivedAt: number) {
  const id = newEventId();
  await env.DB.prepare(
    `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, processed_at, payload)
     VALUES (?1, 'checkout.session.completed', 1, 0, ?2, 1, ?3, ?3, '{"id":"' || ?1 || '"}')`,
  )
    .bind(id, status, receivedAt)
    .run();
  return id;
}

const payloadOf = async (id: string) => (await env.DB.prepare('SELECT payload FROM stripe_events WHERE id = ?').bind(id).first<{ payload: string | null }>())!.payload;

beforeEach(async () => {
  await env.DB.prepare('DELETE FROM ledger_retention').run();
  await env.DB.prepare('UPDATE stripe_events SET payload = NULL WHERE status <> ?').bind('failed').run();
});

describe('payload retention', () => {
  it('clears the payload of processed events older than the retention, and keeps a failed one’s and a recent one’s', async () => {
    const now = Date.now();
    const old = { processed: await ledgerRow('processed', now - 31 * DAY), failed: await ledgerRow('failed', now - 31 * DAY) };
    const recent = await ledgerRow('processed', now - 29 * DAY);
    expect(await clearExpiredEventPayloads({ db: env.DB, env: testEnv(), now: () => now })).toBe(1);
    expect(await payloadOf(old.processed)).toBeNull();
    expect(await payloadOf(old.failed)).not.toBeNull();
    expect(await payloadOf(recent)).not.toBeNull();
    expect((await env.DB.prepare('SELECT status FROM stripe_events WHERE id = ?').bind(old.processed).first())?.status).toBe('processed');
  });

  it('LEDGER_PAYLOAD_RETENTION_DAYS sets the age', async () => {
    const now = Date.now();
    const eightDays = await ledgerRow('processed', now - 8 * DAY);
    expect(await clearExpiredEventPayloads({ db: env.DB, env: testEnv({ LEDGER_PAYLOAD_RETENTION_DAYS: '7' }), now: () => now })).toBe(1);
    expect(await payloadOf(eightDays)).toBeNull();
  });

  it('a run clears at most its limit, and the next carries on where it stopped', async () => {
    const now = Date.now();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await ledgerRow('processed', now - 40 * DAY + i));
    const context = { db: env.DB, env: testEnv(), now: () => now };
    expect(await clearExpiredEventPayloads(context, 3)).toBe(3);
    expect(await Promise.all(ids.map(payloadOf))).toEqual([null, null, null, expect.any(String), expect.any(String)]);
    expect(await clearExpiredEventPayloads(context, 3)).toBe(2);
    expect(await Promise.all(ids.map(payloadOf))).toEqual([null, null, null, null, null]);
    expect(await clearExpiredEventPayloads(context, 3)).toBe(0);
  });

  it('a run reads the ledger in order of arrival from its mark: no table scan, no sort', async () => {
    const { db, statements } = countingDb(env.DB);
    await ledgerRow('processed', Date.now() - 40 * DAY);
    await clearExpiredEventPayloads({ db, env: testEnv(), now: () => Date.now() }, 500);
    const select = statements.find((ran) => /^\s*SELECT id, received_at/.test(ran.statement))!;
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${select.statement}`)
      .bind(...select.params)
      .all<{ detail: string }>();
    expect(results.map((row) => row.detail)).toEqual([expect.stringMatching(/^SEARCH stripe_events USING INDEX stripe_events_by_received \(received_at>\? AND received_at<\?\)$/)]);
  });

  it('the worker’s scheduled handler clears them', async () => {
    const old = await ledgerRow('processed', Date.now() - 31 * DAY);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), testEnv(), ctx);
    await waitOnExecutionContext(ctx);
    expect(await payloadOf(old)).toBeNull();
  });
});
