// What a back-office search term is looked up as, by its shape (pure: worker/admin/views.ts).
import { describe, expect, it } from 'vitest';
import { classifySearch, mergeNewestFirst } from '../../../worker/admin/views';
import type { Order } from '../../../worker/store/orders';

const products = [
  { id: 'field-notes', name: 'Field Notes Pattern Pack' },
  { id: 'field-notes-club', name: 'Field Notes Club' },
  { id: 'enamel-mug', name: 'Camp Enamel Mug' },
];

describe('classifySearch', () => {
  it.each([
    ['a session id: by id only', 'cs_test_a1Abc', { lookups: [{ by: 'id', value: 'cs_test_a1Abc' }], productSlugs: [] }],
    ['a payment intent: by payment intent only', 'pi_3Abc', { lookups: [{ by: 'payment_intent', value: 'pi_3Abc' }], productSlugs: [] }],
    ['text with @: an email beginning, lowercased', 'Ada@Ex', { lookups: [{ by: 'email_prefix', value: 'ada@ex' }], productSlugs: [] }],
    ['a whole email: its beginning is itself', 'ada@example.com', { lookups: [{ by: 'email_prefix', value: 'ada@example.com' }], productSlugs: [] }],
    ['@ and a domain: the domain only', '@Example.com', { lookups: [{ by: 'email_domain', value: 'example.com' }], productSlugs: [] }],
    ['@ alone: nothing to look up', '@', { lookups: [], productSlugs: [] }],
    [
      'a domain without @: an email beginning or a domain',
      'example.com',
      { lookups: [{ by: 'email_prefix', value: 'example.com' }, { by: 'email_domain', value: 'example.com' }], productSlugs: [] },
    ],
    [
      'a word: an email beginning, a client reference, and the products whose name holds it',
      'Notes',
      { lookups: [{ by: 'email_prefix', value: 'notes' }, { by: 'client_reference_id', value: 'Notes' }], productSlugs: ['field-notes', 'field-notes-club'] },
    ],
    ['words with a space: not a client reference; a product name', 'enamel mug', { lookups: [{ by: 'email_prefix', value: 'enamel mug' }], productSlugs: ['enamel-mug'] }],
  ])('%s', (_name, q, plan) => {
    expect(classifySearch(q, products)).toEqual(plan);
  });
});

describe('mergeNewestFirst', () => {
  it('each order once, newest first (ties by id, descending), at most the limit', () => {
    const order = (id: string, createdAt: number) => ({ id, createdAt }) as Order;
    const merged = mergeNewestFirst([[order('cs_a', 1), order('cs_b', 3)], [order('cs_b', 3), order('cs_c', 3), order('cs_d', 2)]], 3);
    expect(merged.map((o) => o.id)).toEqual(['cs_c', 'cs_b', 'cs_d']);
  });
});
