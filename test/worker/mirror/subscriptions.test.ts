import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { testApp } from '../support/app';
import { delivery, event, fixture } from '../support/stripe';

type Step = { type: string; created: number; status: Stripe.Subscription.Status; price: string };

function subscription(id: string, step: Step): Stripe.Subscription {
  const base = fixture<Stripe.Subscription>('subscription');
  const item = base.items.data[0]!;
  return {
    ...base,
    id,
    status: step.status,
    items: { ...base.items, data: [{ ...item, id: `si_${id}_${step.price}`, subscription: id, price: { ...item.price, id: step.price, product: `prod_${step.price}` } }] },
  };
}

/** created → updated ×N [→ deleted], at strictly increasing times, as Stripe would have sent them. */
function history(updates: Omit<Step, 'type' | 'created'>[], deleted: boolean): Step[] {
  const steps: Step[] = [
    { type: 'customer.subscription.created', created: 1_700_000_000, status: 'incomplete', price: 'price_first' },
    ...updates.map((update, index) => ({ type: 'customer.subscription.updated', created: 1_700_000_001 + index, ...update })),
  ];
  if (deleted) steps.push({ type: 'customer.subscription.deleted', created: 1_700_000_100, status: 'canceled', price: 'price_final' });
  return steps;
}

async function finalState(id: string) {
  const row = await env.DB.prepare('SELECT status, deleted, raw, cancel_at_period_end FROM stripe_subscriptions WHERE id = ?').bind(id).first();
  const items = await env.DB.prepare('SELECT id, price, product FROM stripe_subscription_items WHERE subscription = ? ORDER BY id').bind(id).all();
  return { row, items: items.results };
}

async function apply(id: string, steps: Step[]) {
  const { send } = testApp();
  await env.DB.batch([
    env.DB.prepare('DELETE FROM stripe_subscriptions WHERE id = ?').bind(id),
    env.DB.prepare('DELETE FROM stripe_subscription_items WHERE subscription = ?').bind(id),
  ]);
  for (const step of steps) {
    const response = await send(await delivery(event(step.type, subscription(id, step), { created: step.created })));
    expect(response.status).toBe(200);
  }
  return finalState(id);
}

const statuses = fc.constantFrom<Stripe.Subscription.Status>('active', 'trialing', 'past_due', 'paused', 'unpaid');
const updates = fc.array(fc.record({ status: statuses, price: fc.constantFrom('price_a', 'price_b', 'price_c') }), { minLength: 1, maxLength: 5 });

describe('subscription mirror: any delivery order gives the same final state', () => {
  it('every permutation of created → updated ×2 → deleted', async () => {
    const steps = history([{ status: 'active', price: 'price_a' }, { status: 'past_due', price: 'price_b' }], true);
    const expected = await apply('sub_permutations', steps);
    expect(expected.row).toMatchObject({ status: 'canceled', deleted: 1 });
    for (const order of permutations(steps)) expect(await apply('sub_permutations', order)).toEqual(expected);
  });

  it('random shuffles of longer histories, with and without a deletion', async () => {
    await fc.assert(
      fc.asyncProperty(updates, fc.boolean(), fc.context(), async (changes, deleted, _context) => {
        const steps = history(changes, deleted);
        const expected = await apply('sub_shuffled', steps);
        const last = steps.at(-1)!;
        expect(expected.row).toMatchObject({ status: last.status, deleted: deleted ? 1 : 0 });
        expect(expected.items).toEqual([{ id: `si_sub_shuffled_${last.price}`, price: last.price, product: `prod_${last.price}` }]);
        await fc.assert(
          fc.asyncProperty(fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }), async (shuffled) => {
            expect(await apply('sub_shuffled', shuffled)).toEqual(expected);
          }),
          { numRuns: 5 },
        );
      }),
      { numRuns: 15 },
    );
    // 75 shuffled histories through the whole webhook path: a budget for a loaded machine, not a speed claim.
  }, 60_000);

  it('two versions with the same created: the same winner whichever arrives first', async () => {
    const a: Step = { type: 'customer.subscription.updated', created: 1_700_000_050, status: 'active', price: 'price_a' };
    const b: Step = { type: 'customer.subscription.updated', created: 1_700_000_050, status: 'past_due', price: 'price_b' };
    const { send } = testApp();
    const deliver = async (id: string, step: Step, eventId: string) =>
      send(await delivery(event(step.type, subscription(id, step), { created: step.created, id: eventId })));
    await deliver('sub_tie_1', a, 'evt_tie_a1');
    await deliver('sub_tie_1', b, 'evt_tie_b1');
    await deliver('sub_tie_2', b, 'evt_tie_b2');
    await deliver('sub_tie_2', a, 'evt_tie_a2');
    // Ties go to the larger event id: evt_tie_b… in both runs.
    expect((await finalState('sub_tie_1')).row).toMatchObject({ status: 'past_due' });
    expect((await finalState('sub_tie_2')).row).toMatchObject({ status: 'past_due' });
  });

  it('created and updated in the same second: the update wins, whichever arrives first', async () => {
    const created: Step = { type: 'customer.subscription.created', created: 1_700_000_070, status: 'incomplete', price: 'price_a' };
    const updated: Step = { type: 'customer.subscription.updated', created: 1_700_000_070, status: 'active', price: 'price_a' };
    const deleted: Step = { type: 'customer.subscription.deleted', created: 1_700_000_070, status: 'canceled', price: 'price_a' };
    expect((await apply('sub_same_second', [created, updated])).row).toMatchObject({ status: 'active' });
    expect((await apply('sub_same_second', [updated, created])).row).toMatchObject({ status: 'active' });
    for (const order of permutations([created, updated, deleted])) {
      expect((await apply('sub_same_second', order)).row).toMatchObject({ status: 'canceled', deleted: 1 });
    }
  });

  it('paused and resumed are mirrored as updates', async () => {
    const { send } = testApp();
    const paused: Step = { type: 'customer.subscription.paused', created: 1_700_000_010, status: 'paused', price: 'price_a' };
    const resumed: Step = { type: 'customer.subscription.resumed', created: 1_700_000_020, status: 'active', price: 'price_a' };
    await send(await delivery(event(paused.type, subscription('sub_pause', paused), { created: paused.created })));
    expect((await finalState('sub_pause')).row).toMatchObject({ status: 'paused' });
    await send(await delivery(event(resumed.type, subscription('sub_pause', resumed), { created: resumed.created })));
    expect((await finalState('sub_pause')).row).toMatchObject({ status: 'active', deleted: 0 });
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}
