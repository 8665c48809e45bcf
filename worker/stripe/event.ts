// Turns a verified webhook body into a Stripe event. The signature proves Stripe
// sent it, so its shape is Stripe's (`Stripe.Event`); a body that does not even
// look like an event is still rejected here rather than failing somewhere deeper.
import type Stripe from 'stripe';
import { EVENT_ID } from '../../contract/ids';

export type StripeEvent = Stripe.Event;

export type EventDecode = { ok: true; event: StripeEvent } | { ok: false; reason: string };


export function decodeEvent(body: string): EventDecode {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  const value = parsed;
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
  if (typeof value.livemode !== 'boolean') return { ok: false, reason: 'event livemode is missing' };
  // Signed by Stripe and shaped like an event: Stripe's own type describes the rest.
  return { ok: true, event: parsed as Stripe.Event };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
