// Turns a verified webhook body into the few event fields the worker relies on.
// The signature proves Stripe sent it, but a body that does not look like an
// event is still rejected here rather than failing somewhere deeper.
import type Stripe from 'stripe';
import { EVENT_ID } from '../../contract/ids';

export type StripeEvent = Pick<Stripe.Event, 'id' | 'type' | 'created' | 'livemode'> & {
  data: { object: { id?: string; object?: string } & Record<string, unknown> };
};

export type EventDecode = { ok: true; event: StripeEvent } | { ok: false; reason: string };


export function decodeEvent(body: string): EventDecode {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (!isRecord(value)) return { ok: false, reason: 'body is not a JSON object' };
  if (value.object !== 'event') return { ok: false, reason: 'body is not a Stripe event (object !== "event")' };
  if (typeof value.id !== 'string' || !EVENT_ID.test(value.id)) return { ok: false, reason: 'event id is missing or malformed' };
  if (typeof value.type !== 'string' || value.type.length === 0 || value.type.length > 100) {
    return { ok: false, reason: 'event type is missing or malformed' };
  }
  if (typeof value.created !== 'number' || !Number.isSafeInteger(value.created)) {
    return { ok: false, reason: 'event created is missing or not an integer' };
  }
  const data = value.data;
  if (!isRecord(data) || !isRecord(data.object)) return { ok: false, reason: 'event data.object is missing' };
  return {
    ok: true,
    event: {
      id: value.id,
      type: value.type as Stripe.Event['type'],
      created: value.created,
      livemode: value.livemode === true,
      data: { object: data.object },
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
