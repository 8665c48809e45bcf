import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSignatureHeader } from '../../../worker/stripe/signature';
import { snapshot, testApp } from '../support/app';
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
        expect(typeof ((await response.json()) as { error: unknown }).error).toBe('string');
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
    expect(calls).toHaveLength(0);
  });

  it('validly signed arbitrary JSON gets a 4xx or is recorded, never a 5xx', async () => {
    const { send } = testApp();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.record({ object: fc.constant('event'), id: fc.string(), type: fc.string(), created: fc.anything(), data: fc.anything() }).map((value) => JSON.stringify(value)),
        ),
        async (body) => {
          const response = await send(
            new Request('https://shop.example/webhooks/stripe', { method: 'POST', body, headers: { 'stripe-signature': await signatureHeader(body) } }),
          );
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  });
});
