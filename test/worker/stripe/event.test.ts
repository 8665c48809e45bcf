import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../../worker/stripe/event';
import { checkoutSession, event } from '../support/stripe';

describe('decodeEvent', () => {
  it('decodes a fixture-shaped event', () => {
    const completed = event('checkout.session.completed', checkoutSession());
    const decoded = decodeEvent(JSON.stringify(completed));
    expect(decoded).toMatchObject({ ok: true, event: { id: completed.id, type: completed.type, created: completed.created, livemode: false } });
  });

  it.each([
    ['not json', 'body is not valid JSON'],
    ['[]', 'body is not a JSON object'],
    ['{"object":"charge"}', 'body is not a Stripe event (object !== "event")'],
    ['{"object":"event","id":"nope","type":"x","created":1,"data":{"object":{}}}', 'event id is missing or malformed'],
    ['{"object":"event","id":"evt_1","created":1,"data":{"object":{}}}', 'event type is missing or malformed'],
    ['{"object":"event","id":"evt_1","type":"x","created":"1","data":{"object":{}}}', 'event created is missing or not an integer'],
    ['{"object":"event","id":"evt_1","type":"x","created":1,"data":null}', 'event data.object is missing'],
  ])('rejects %s', (body, reason) => {
    expect(decodeEvent(body)).toEqual({ ok: false, reason });
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((value) => JSON.stringify({ object: 'event', id: 'evt_1', data: value }))), (body) => {
        const decoded = decodeEvent(body);
        expect(typeof decoded.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
