// A queue batch costs a constant number of D1 round trips, however many outbox rows it
// holds: one batch claims the rows and reads their orders, one records the outcomes.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp, defaultDependencies } from '../../../worker/app';
import { findProduct } from '../../../catalog';
import type { OutboxMessage } from '../../../worker/platform/env';
import type { DeliveryRequest } from '../../../worker/seller-hooks';
import { consumeOutbox } from '../../../worker/outbox/consumer';
import { outboxRow, testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { checkoutSession, delivery, event } from '../support/stripe';

/** Paid sessions committed without a queue: their delivery rows wait in the outbox. */
async function paidOrders(count: number, session: Parameters<typeof checkoutSession>[0] = {}) {
  const app = createApp();
  const sessions = Array.from({ length: count }, () => checkoutSession(session));
  for (const paid of sessions) {
    const ctx = createExecutionContext();
    expect((await app.fetch(await delivery(event('checkout.session.completed', paid)), testEnv(), ctx)).status).toBe(200);
    await waitOnExecutionContext(ctx);
  }
  const ids = await Promise.all(
    sessions.map(async ({ id }) => (await env.DB.prepare(`SELECT id FROM outbox WHERE subject = ? AND kind = 'delivered'`).bind(id).first<{ id: number }>())!.id),
  );
  return { sessions, ids };
}

/** Hands the rows to the real consumer as one queue batch, through a D1 binding that counts round trips. */
async function consume(ids: number[], deliver: (request: DeliveryRequest) => Promise<void>) {
  const { db, counts } = countingDb(env.DB);
  const batch = createMessageBatch<OutboxMessage>('edge-storefront-outbox', ids.map((outboxId, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: { outboxId } })));
  const ctx = createExecutionContext();
  await consumeOutbox(batch, testEnv({ DB: db }), defaultDependencies({ deliver }));
  const result = await getQueueResult(batch, ctx);
  return { roundTrips: counts.roundTrips, acked: result.explicitAcks, retried: result.retryMessages.map((retry: { msgId: string }) => retry.msgId) };
}

describe('D1 round trips of a queue batch', () => {
  it('a batch of 1 delivery and a batch of 10 each cost two round trips; every order is delivered once with its links and key', async () => {
    const { key } = findProduct('field-notes')!.files![0]!;
    await env.FILES!.put(key, new Uint8Array(32));
    for (const size of [1, 10]) {
      const { sessions, ids } = await paidOrders(size);
      const delivered: DeliveryRequest[] = [];
      const { roundTrips, acked } = await consume(ids, async (request) => {
        delivered.push(request);
      });
      expect(roundTrips).toBe(2);
      expect(acked).toHaveLength(size);
      expect(delivered.map((request) => request.order.id).sort()).toEqual(sessions.map((s) => s.id).sort());
      for (const request of delivered) {
        expect(request.downloads.map((link) => link.size)).toEqual([32]);
        expect(request.licenceKeys).toEqual([{ product: { id: 'field-notes', name: expect.any(String) }, key: expect.stringMatching(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/) }]);
      }
      for (const { id } of sessions) expect(await outboxRow(id, 'delivered')).toMatchObject({ status: 'done', attempts: 1 });
    }
  });

  it('hooks that fail in a batch of 6: still two round trips; the failed rows wait for a retry with their error, the others are done', async () => {
    const { sessions, ids } = await paidOrders(6);
    const failing = new Set(sessions.slice(0, 2).map((session) => session.id));
    const { roundTrips, acked, retried } = await consume(ids, async (request) => {
      if (failing.has(request.order.id)) throw new Error('warehouse down');
    });
    expect(roundTrips).toBe(2);
    expect(retried).toEqual(['m0', 'm1']);
    expect(acked).toHaveLength(4);
    for (const { id } of sessions) {
      expect(await outboxRow(id, 'delivered')).toMatchObject(
        failing.has(id) ? { status: 'pending', attempts: 1, last_error: 'warehouse down' } : { status: 'done', attempts: 1, last_error: null },
      );
    }
  });

  it('a batch whose rows are already done costs one round trip and calls no hook', async () => {
    const { ids } = await paidOrders(3);
    await consume(ids, async () => {});
    let calls = 0;
    const again = await consume(ids, async () => {
      calls++;
    });
    expect(again.roundTrips).toBe(1);
    expect(again.acked).toHaveLength(3);
    expect(calls).toBe(0);
  });

  it('orders whose pool was empty at fulfilment: one more round trip for the whole batch, and the 2 keys uploaded since go to 2 of the 3 orders', async () => {
    await env.DB.prepare(`DELETE FROM licence_keys WHERE product_id = 'trail-map-print' AND order_id IS NULL`).run();
    const { ids } = await paidOrders(3, { metadata: { product_id: 'trail-map-print' }, amount_subtotal: 2400, amount_total: 2400 });
    const pool = [`TRIP-${crypto.randomUUID()}`, `TRIP-${crypto.randomUUID()}`];
    for (const key of pool) {
      await env.DB.prepare(`INSERT INTO licence_keys (product_id, key, source, added_at) VALUES ('trail-map-print', ?, 'pool', 0)`).bind(key).run();
    }
    const delivered: DeliveryRequest[] = [];
    const { roundTrips } = await consume(ids, async (request) => {
      delivered.push(request);
    });
    expect(roundTrips).toBe(3);
    const keys = delivered.map((request) => request.licenceKeys[0]!.key);
    expect(keys.filter((key) => key !== null).sort()).toEqual([...pool].sort());
    expect(keys.filter((key) => key === null)).toHaveLength(1);
  });
});
