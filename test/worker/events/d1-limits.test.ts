// D1's limits for a consumer invocation (developers.cloudflare.com/d1/platform/limits): 50
// queries per Worker invocation on Workers Free (1,000 on Paid; a batch() is one call, and each
// statement inside it must keep the per-query limits: 100 bound parameters, 100 KB of SQL), and
// 30 s for a whole batch call. A full queue batch of 100 events stays inside them.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { consumeEvents, D1_CALLS_PER_INVOCATION } from '../../../worker/events/consume';
import type { EventMessage } from '../../../worker/platform/env';
import { ledgerRow, orderRow, testApp, testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { checkoutSession, event, fixture } from '../support/stripe';

async function consume(bodies: EventMessage[], db: D1Database, attempts = 1) {
  const app = testApp();
  const environment = testEnv({ DB: db });
  const batch = createMessageBatch<EventMessage>('edge-storefront-events', bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  await consumeEvents(batch, { ...app.deps, db, env: environment, waitUntil: (promise) => ctx.waitUntil(promise) });
  await waitOnExecutionContext(ctx);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks, retried: result.retryMessages.map((retry: { msgId: string }) => retry.msgId) };
}

const paidSessions = (count: number) =>
  Array.from({ length: count }, (_, i) => checkoutSession({ customer_details: { ...fixture<object>('checkout.session'), email: `buyer${i}@example.com`, name: 'A Buyer' } as never }));
const bodiesOf = (sessions: { id: string }[]) => sessions.map((session) => ({ payload: JSON.stringify(event('checkout.session.completed', session)) }));

/** A D1 binding whose batches fail when they hold a write for one of `refused` (a row D1 will not take). */
function refusingDb(refused: Set<string>) {
  const counted = countingDb(env.DB);
  const db = new Proxy(counted.db, {
    get(target, property) {
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          const holdsRefused = statements.some((statement) => (statement as unknown as { params: unknown[] }).params.some((value) => refused.has(String(value))));
          if (holdsRefused) {
            counted.counts.roundTrips++;
            throw new Error('D1_ERROR: string or blob too big: SQLITE_TOOBIG');
          }
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, counts: counted.counts };
}

describe('D1 limits of one consumer invocation', () => {
  it('a batch of 100 paid sessions is 2 D1 calls, and each of its 901 statements binds at most 100 parameters and is under 100 KB of SQL', async () => {
    const { db, counts, statements } = countingDb(env.DB);
    const sessions = paidSessions(100);
    const { acked } = await consume(bodiesOf(sessions), db);
    expect(acked).toHaveLength(100);
    expect(counts.roundTrips).toBe(2);
    expect(statements.length).toBe(901);
    expect(Math.max(...statements.map((ran) => ran.params.length))).toBeLessThanOrEqual(100);
    expect(Math.max(...statements.map((ran) => new TextEncoder().encode(ran.statement).length))).toBeLessThan(100_000);
    for (const session of sessions) expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });

  it(`a batch that fails twice, with 3 of 100 events D1 refuses, commits the 97 in halves within ${D1_CALLS_PER_INVOCATION} D1 calls and retries the 3, recorded failed`, async () => {
    const sessions = paidSessions(100);
    const bodies = bodiesOf(sessions);
    const refused = new Set([sessions[7]!.id, sessions[50]!.id, sessions[93]!.id]);
    const { db, counts } = refusingDb(refused);
    const { acked, retried } = await consume(bodies, db, 2);
    expect(counts.roundTrips).toBeLessThanOrEqual(D1_CALLS_PER_INVOCATION);
    expect(retried.sort()).toEqual(['m50', 'm7', 'm93']);
    expect(acked).toHaveLength(97);
    for (const [i, session] of sessions.entries()) {
      const eventId = (JSON.parse(bodies[i]!.payload) as { id: string }).id;
      if (refused.has(session.id)) {
        expect(await orderRow(session.id)).toBeNull();
        expect(await ledgerRow(eventId)).toMatchObject({ status: 'failed', last_error: expect.stringContaining('SQLITE_TOOBIG') });
      } else expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
    }
  });

  it(`when the halves would pass ${D1_CALLS_PER_INVOCATION} D1 calls, the events left are retried with nothing of theirs written`, async () => {
    const sessions = paidSessions(100);
    const refused = new Set(sessions.filter((_, i) => i % 5 === 0).map((session) => session.id));
    const { db, counts } = refusingDb(refused);
    const { acked, retried } = await consume(bodiesOf(sessions), db, 2);
    expect(counts.roundTrips).toBeLessThanOrEqual(D1_CALLS_PER_INVOCATION);
    expect(acked.length + retried.length).toBe(100);
    expect(retried.length).toBeGreaterThan(refused.size);
    for (const [i, session] of sessions.entries()) {
      const row = await orderRow(session.id);
      if (acked.includes(`m${i}`)) expect(row).toMatchObject({ status: 'fulfilled' });
      else expect(row).toBeNull();
    }
  });
});
