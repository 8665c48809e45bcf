import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSignatureHeader } from '../../../worker/stripe/signature';
import { ledgerRow, refusalOf, snapshot, testApp } from '../support/app';
import { signatureHeader } from '../support/stripe';

// Arbitrary input must end in a clear 4xx, never an unhandled exception or a 5xx.
const headerish = fc.oneof(
  fc.string(),
  fc.array(fc.tuple(fc.constantFrom('t', 'v1', 'v0', 'x', ''), fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), fc.nat().map(String))))
    .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join(',')),
);

describe('webhook input fuzzing', () => {
  it('parseSignatureHeader never throws', () => {
    fc.assert(
      fc.property(headerish, (header) => {
        const parsed = parseSignatureHeader(header);
        expect(parsed.ok || typeof parsed.reason === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('random headers and bodies get a 4xx and change nothing', async () => {
    const { send, calls } = testApp();
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(headerish, fc.string({ maxLength: 2000 }), async (header, body) => {
        const response = await send(new Request('https://shop.example/webhooks/stripe', { method: 'POST', body, headers: { 'stripe-signature': header } }));
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(await refusalOf(response)).toEqual(expect.any(String));
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
    expect(calls).toHaveLength(0);
  });

  it('validly signed arbitrary JSON: a 4xx changes no ledger row, a 2xx is recorded as processed or ignored, a 5xx as failed for Stripe to retry', async () => {
    const { send } = testApp();
    const eventId = fc.stringMatching(/^[A-Za-z0-9]{1,24}$/).map((tail) => `evt_fuzz${tail}`);
    const types = fc.constantFrom('checkout.session.completed', 'checkout.session.expired', 'charge.refunded', 'charge.dispute.created', 'product.updated', 'price.created', 'customer.subscription.updated', 'plan.created');
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.record({ object: fc.constant('event'), id: fc.string(), type: fc.string(), created: fc.anything(), data: fc.anything() }).map((value) => JSON.stringify(value)),
          // Shaped like an event, with any object inside: handlers see what a signature lets through.
          fc
            .record({ id: eventId, type: types, object: fc.jsonValue() })
            .map(({ id, type, object }) => JSON.stringify({ object: 'event', id, type, created: 1_700_000_000, livemode: false, data: { object } })),
        ),
        async (body) => {
          let id: unknown;
          try {
            id = (JSON.parse(body) as { id?: unknown }).id;
          } catch {
            id = undefined;
          }
          const readRow = async () => (typeof id === 'string' ? await ledgerRow(id) : null);
          const before = await readRow();
          const response = await send(
            new Request('https://shop.example/webhooks/stripe', { method: 'POST', body, headers: { 'stripe-signature': await signatureHeader(body) } }),
          );
          const row = await readRow();
          if (response.status < 300) {
            outcomes.add('recorded');
            expect(row?.status).toMatch(/^(processed|ignored)$/);
          } else if (response.status < 500) {
            outcomes.add('refused');
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(row).toEqual(before);
          } else {
            outcomes.add('failed');
            expect(row).toMatchObject({ status: 'failed', last_error: expect.any(String) });
          }
        },
      ),
      { numRuns: 300 },
    );
    // The property saw each kind of answer, so none of its branches is vacuous.
    expect([...outcomes].sort()).toEqual(['failed', 'recorded', 'refused']);
  });
});
