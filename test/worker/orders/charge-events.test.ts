import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_SECRET, ledgerRow, orderRow, outboxRow, testApp } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';
import { fileBytes, get, PDF_KEY, putFile } from '../delivery/support';
import { downloadPath } from '../../../worker/delivery/links';
import { signLink } from '../../../worker/delivery/signature';

beforeEach(async () => {
  await putFile(PDF_KEY, fileBytes(2000), 'application/pdf');
});

async function fulfilledOrder(app: ReturnType<typeof testApp>) {
  const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
  const session = checkoutSession({ payment_intent: paymentIntent });
  await app.send(await delivery(event('checkout.session.completed', session)));
  return { session, paymentIntent, token: app.tokens.at(-1)! };
}

const charge = (overrides: Partial<Stripe.Charge>) => ({ ...fixture<Stripe.Charge>('charge'), ...overrides });
const dispute = (overrides: Partial<Stripe.Dispute>) => ({ ...fixture<Stripe.Dispute>('dispute'), ...overrides });
/** The order's pattern pack through a link signed as the order page signs it (valid for an hour). */
async function download(app: ReturnType<typeof testApp>, token: string): Promise<Response> {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const signature = await signLink(DOWNLOAD_SECRET, { token, key: PDF_KEY, expires });
  return app.send(get(downloadPath(token, PDF_KEY, expires, signature)));
}

// Both webhook paths: committed on the request (sync), and queued then group-committed by the EVENTS consumer.
describe.each(['sync', 'queue'] as const)('webhooks processed %s', (webhooks) => {
  describe('refunds and disputes', () => {
    it('a full refund revokes the order once and its download link stops working', async () => {
      const app = testApp({}, { webhooks });
      const { session, paymentIntent, token } = await fulfilledOrder(app);
      expect((await download(app, token)).status).toBe(200);

      const refunded = event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true, amount_refunded: 1200 }));
      expect((await app.send(await delivery(refunded))).status).toBe(200);

      expect(await orderRow(session.id)).toMatchObject({ status: 'refunded' });
      expect(app.revocations).toHaveLength(1);
      expect(app.revocations[0]).toMatchObject({ reason: 'refunded', order: { id: session.id } });
      const gone = await download(app, token);
      expect(gone.status).toBe(410);
      expect(await gone.json()).toEqual({ error: 'this order was refunded: its downloads no longer work' });
    });

    it('a partial refund makes the order partially refunded with its amount refunded, keeps its download and runs no revoke hook', async () => {
      const app = testApp({}, { webhooks });
      const { session, paymentIntent, token } = await fulfilledOrder(app);
      await app.send(await delivery(event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: false, amount_refunded: 200 }))));
      expect(await orderRow(session.id)).toMatchObject({ status: 'partially_refunded', amount_total: 1200, amount_refunded: 200 });
      expect(app.revocations).toHaveLength(0);
      expect((await download(app, token)).status).toBe(200);
    });

    it('a dispute revokes; a refund after it changes the status without revoking twice', async () => {
      const app = testApp({}, { webhooks });
      const { session, paymentIntent } = await fulfilledOrder(app);
      await app.send(await delivery(event('charge.dispute.created', dispute({ payment_intent: paymentIntent }))));
      expect(await orderRow(session.id)).toMatchObject({ status: 'disputed' });
      await app.send(await delivery(event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true }))));
      expect(await orderRow(session.id)).toMatchObject({ status: 'refunded' });
      expect(app.revocations.map((revocation) => revocation.reason)).toEqual(['disputed']);
    });

    it('a failing revoke hook does not hold the refund back: the order is refunded at once, the hook retried from the outbox until it succeeds, then never again', async () => {
      let fail = true;
      let attempts = 0;
      const app = testApp({
        revoke: async () => {
          attempts++;
          if (fail) throw new Error('licence server down');
        },
      }, { webhooks });
      const { session, paymentIntent, token } = await fulfilledOrder(app);
      const refunded = event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true }));
      expect((await app.send(await delivery(refunded))).status).toBe(200);
      expect(await orderRow(session.id)).toMatchObject({ status: 'refunded', revoked_at: expect.any(Number) });
      expect((await download(app, token)).status).toBe(410);
      expect(await outboxRow(session.id, 'revoked')).toMatchObject({ status: 'pending', attempts: 1, last_error: 'licence server down' });

      fail = false;
      await app.redeliverRetries(undefined, 60_000);
      expect(await outboxRow(session.id, 'revoked')).toMatchObject({ status: 'done', attempts: 2, last_error: null });
      expect(attempts).toBe(2);
      // A redelivered refund changes nothing and revokes nothing again.
      await app.send(await delivery(refunded));
      await app.redeliverRetries(undefined, 60_000);
      expect(attempts).toBe(2);
    });

    it('a refund for a payment this shop never saw is processed without effect', async () => {
      const app = testApp({}, { webhooks });
      const response = await app.send(await delivery(event('charge.refunded', charge({ payment_intent: 'pi_not_ours', refunded: true }))));
      expect(response.status).toBe(200);
      expect(app.revocations).toHaveLength(0);
    });

  });

  describe('a refund or dispute delivered before the payment', () => {
    const ids = () => {
      const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
      return { paymentIntent, session: checkoutSession({ payment_intent: paymentIntent }) };
    };

    it('refund first: the later completed records the order as refunded, never fulfils, revokes once', async () => {
      const app = testApp({}, { webhooks });
      const { paymentIntent, session } = ids();
      const refund = event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true }));
      expect((await app.send(await delivery(refund))).status).toBe(200);
      expect(await ledgerRow(refund.id)).toMatchObject({ status: 'processed', note: expect.stringMatching(/kept and applied when it arrives/) });

      await app.send(await delivery(event('checkout.session.completed', session)));
      expect(await orderRow(session.id)).toMatchObject({ status: 'refunded', delivery_token: null, fulfilled_at: null, revoked_at: expect.any(Number) });
      expect(app.deliveries).toHaveLength(0);
      expect(app.revocations.map((r) => r.reason)).toEqual(['refunded']);
    });

    it('dispute first: the order arrives disputed', async () => {
      const app = testApp({}, { webhooks });
      const { paymentIntent, session } = ids();
      await app.send(await delivery(event('charge.dispute.created', dispute({ payment_intent: paymentIntent }))));
      await app.send(await delivery(event('checkout.session.completed', session)));
      expect(await orderRow(session.id)).toMatchObject({ status: 'disputed', delivery_token: null });
      expect(app.deliveries).toHaveLength(0);
      expect(app.revocations.map((r) => r.reason)).toEqual(['disputed']);
    });

    // completed (a delayed method: unpaid), async_payment_succeeded, charge.refunded, charge.dispute.created
    const kinds = ['completed', 'succeeded', 'refunded', 'disputed'] as const;
    const permutations = (items: readonly string[]): string[][] =>
      items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

    async function play(order: string[]) {
      const app = testApp({}, { webhooks });
      const { paymentIntent, session } = ids();
      const unpaid = { ...session, payment_status: 'unpaid' as const };
      const events = {
        completed: event('checkout.session.completed', unpaid),
        succeeded: event('checkout.session.async_payment_succeeded', session),
        refunded: event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true })),
        disputed: event('charge.dispute.created', dispute({ payment_intent: paymentIntent })),
      } as Record<string, ReturnType<typeof event>>;
      for (const kind of order) expect((await app.send(await delivery(events[kind]!))).status).toBe(200);
      const row = (await orderRow(session.id))!;
      const token = row.delivery_token as string | null;
      return {
        status: row.status,
        revoked: row.revoked_at !== null,
        downloadWorks: token ? (await download(app, token)).status === 200 : false,
        revokeHookCalls: app.revocations.length,
      };
    }

    // 24 × 4 deliveries: longer than the default 5 s on a shared machine.
    it('every one of the 24 delivery orders ends as Stripe’s own order does', { timeout: 60_000 }, async () => {
      const expected = await play([...kinds]);
      expect(expected).toEqual({ status: 'refunded', revoked: true, downloadWorks: false, revokeHookCalls: 1 });
      for (const order of permutations(kinds)) {
        expect(await play(order), order.join(' → ')).toEqual(expected);
      }
    });
  });
});
