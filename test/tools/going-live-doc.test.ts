// docs/going-live.md lists the handled event types and the pinned API version: the one list of
// contract/stripe-events.ts, so the doc cannot drift from what launch subscribes the endpoint to.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } from '../../contract/stripe-events';

const doc = readFileSync(new URL('../../docs/going-live.md', import.meta.url), 'utf8');

describe('docs/going-live.md', () => {
  it('lists exactly the handled event types, in the contract’s order', () => {
    const block = /<!-- handled-event-types[^>]*-->([\s\S]*?)<!-- \/handled-event-types -->/.exec(doc)?.[1] ?? '';
    expect([...block.matchAll(/`([a-z_.]+)`/g)].map((match) => match[1])).toEqual([...HANDLED_EVENT_TYPES]);
  });

  it('names the pinned API version', () => {
    expect(doc).toContain(`\`${STRIPE_API_VERSION}\``);
  });
});
