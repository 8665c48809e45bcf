// The one list of handled event types (contract/stripe-events.ts) against the webhook route:
// `npm run launch` subscribes the shop's endpoint to exactly that list, so every type in it must
// reach a handler, and a type outside it must be recorded and ignored.
import { describe, expect, it } from 'vitest';
import { HANDLED_EVENT_TYPES } from '../../../contract/stripe-events';
import { ledgerRow, testApp } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

/** A Stripe-shaped object of the kind an event type carries, from Stripe's own examples. */
function objectFor(type: string): object {
  if (type.startsWith('checkout.session.')) return checkoutSession();
  if (type.startsWith('charge.dispute.')) return fixture('dispute');
  if (type.startsWith('customer.subscription.')) return fixture('subscription');
  const resource = type.slice(0, type.lastIndexOf('.'));
  return fixture(resource);
}

describe('the handled event types', () => {
  it.each(HANDLED_EVENT_TYPES.map((type) => [type]))('%s reaches a handler: the ledger does not record it as ignored', async (type) => {
    const { send } = testApp();
    const sent = event(type, objectFor(type));
    const response = await send(await delivery(sent));
    expect(await response.json()).not.toMatchObject({ outcome: 'ignored' });
    const row = await ledgerRow(sent.id);
    expect(row?.status).not.toBe('ignored');
    expect(row?.note ?? '').not.toMatch(/no handler/);
  });

  it('a type outside the list (invoice.created) is recorded as ignored, no handler', async () => {
    expect(HANDLED_EVENT_TYPES).not.toContain('invoice.created');
    const { send } = testApp();
    const sent = event('invoice.created', fixture('invoice'));
    const response = await send(await delivery(sent));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'ignored' });
    const row = await ledgerRow(sent.id);
    expect(row).toMatchObject({ status: 'ignored', note: 'no handler for this event type' });
  });

  it('lists no type twice', () => {
    expect(new Set(HANDLED_EVENT_TYPES).size).toBe(HANDLED_EVENT_TYPES.length);
  });
});
