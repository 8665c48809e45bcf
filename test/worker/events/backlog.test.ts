// Events accepted (Stripe answered 200) and still on the events queue are not in the ledger
// yet: the back office reads their count and the oldest one's age from the queue binding, and
// an event stuck there past ten minutes — the consumer failing or not attached, paid orders
// waiting with it — opens an alert once, resolved when the backlog clears.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { stalled, watchAlerts } from '../../../worker/admin/alerts';
import { BACKLOG_ALERT_MS, backlogStalled, eventsBacklog } from '../../../worker/events/backlog';
import type { Env, EventMessage } from '../../../worker/platform/env';
import { adminApi, adminEnv } from '../support/back-office';
import { bodyOf, testApp, testEnv } from '../support/app';

const NOW = Date.parse('2026-12-06T12:00:00Z');

/**
 * A queue binding whose backlog is `count` events, the oldest queued `ageMs` ago. The local queue
 * hands a message to its consumer within 200 ms, so it cannot be made to hold one ten minutes.
 */
const queueHolding = (count: number, ageMs: number) =>
  ({
    metrics: async () => ({ backlogCount: count, backlogBytes: count * 3000, oldestMessageTimestamp: count > 0 ? new Date(NOW - ageMs) : undefined }),
  }) as unknown as Queue<EventMessage>;

describe('the events backlog', () => {
  it('is read from the real local queue binding in queue mode: a count, and no oldest when none wait', async () => {
    const backlog = await eventsBacklog({ EVENTS: env.EVENTS as Queue<EventMessage> });
    expect(backlog).toEqual({ count: expect.any(Number), oldestAt: backlog!.count > 0 ? expect.any(Number) : null });
  });

  it('is null where nothing waits on a queue: sync mode, or no EVENTS binding', async () => {
    expect(await eventsBacklog({ EVENTS: env.EVENTS as Queue<EventMessage>, WEBHOOK_PROCESSING: 'sync' })).toBeNull();
    expect(await eventsBacklog({})).toBeNull();
  });

  it('is null, and the reason logged, when the binding cannot say', async () => {
    const silent = { metrics: async () => Promise.reject(new Error('metrics unavailable')) } as unknown as Queue<EventMessage>;
    expect(await eventsBacklog({ EVENTS: silent })).toBeNull();
  });

  it('is stalled only when an event has waited past ten minutes', () => {
    expect(backlogStalled(null, NOW)).toBe(false);
    expect(backlogStalled({ count: 0, oldestAt: null }, NOW)).toBe(false);
    expect(backlogStalled({ count: 40, oldestAt: NOW - BACKLOG_ALERT_MS }, NOW)).toBe(false);
    expect(backlogStalled({ count: 1, oldestAt: NOW - BACKLOG_ALERT_MS - 1 }, NOW)).toBe(true);
    expect(stalled({ count: 3, oldestAt: NOW - 25 * 60_000 }, NOW)).toEqual([
      expect.objectContaining({ incident: 'events_backlog', kind: 'events_backlog', message: expect.stringMatching(/^3 webhook event\(s\) .* up to 25 min .* not fulfilled yet/) }),
    ]);
  });
});

describe('the back office', () => {
  it('the ledger page says how many accepted events wait on the queue and since when (queue mode), and nothing of it in sync mode', async () => {
    const app = testApp();
    const queued = await bodyOf(adminApi(app, adminEnv({ EVENTS: queueHolding(7, 90_000) })).events.$get({ query: {} }));
    expect(queued.processing).toBe('queue');
    expect(queued.queued).toEqual({ count: 7, oldestAt: new Date(NOW - 90_000).toISOString() });
    const sync = await bodyOf(adminApi(app, adminEnv({ EVENTS: queueHolding(7, 90_000), WEBHOOK_PROCESSING: 'sync' })).events.$get({ query: {} }));
    expect(sync).toMatchObject({ processing: 'sync', queued: null });
  });

  it('opens the backlog alert once while events are stuck, and resolves it when the queue drains', async () => {
    const db = env.DB;
    await db.prepare(`DELETE FROM alerts WHERE kind = 'events_backlog'`).run();
    const context = (queue: Queue<EventMessage>, now: number) => ({ ...testApp().deps, db, env: testEnv({ EVENTS: queue } as Partial<Env>), now: () => now, waitUntil: () => {} });
    const stuck = queueHolding(12, BACKLOG_ALERT_MS + 60_000);
    expect((await watchAlerts(context(stuck, NOW), null)).map((alert) => alert.incident)).toContain('events_backlog');
    expect((await watchAlerts(context(stuck, NOW + 60_000), null)).map((alert) => alert.incident)).not.toContain('events_backlog');
    const open = () => db.prepare(`SELECT count(*) AS n FROM alerts WHERE kind = 'events_backlog' AND resolved_at IS NULL`).first<{ n: number }>();
    expect((await open())!.n).toBe(1);
    await watchAlerts(context(queueHolding(0, 0), NOW + 120_000), null);
    expect((await open())!.n).toBe(0);
  });
});
