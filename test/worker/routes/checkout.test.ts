import { describe, expect, it } from 'vitest';
import { refusalOf, snapshot, testApp, testEnv } from '../support/app';

const post = (body: unknown) =>
  new Request('https://shop.example/api/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const valid = { items: [{ price: 'price_abc', quantity: 1 }], clientReferenceId: 'buyer_1' };

describe('POST /api/checkout: bad input gets a reason and changes nothing', () => {
  it.each([
    ['not JSON', '{', 'body is not valid JSON'],
    ['no items', { ...valid, items: [] }, 'items must be a list of 1–20 lines'],
    ['a bad price id', { ...valid, items: [{ price: 'prod_1', quantity: 1 }] }, 'items[0].price must be a Stripe price id (price_…)'],
    ['quantity 0', { ...valid, items: [{ price: 'price_a', quantity: 0 }] }, 'items[0].quantity must be a whole number from 1 to 10'],
    ['quantity 11', { ...valid, items: [{ price: 'price_a', quantity: 11 }] }, 'items[0].quantity must be a whole number from 1 to 10'],
    ['a fractional quantity', { ...valid, items: [{ price: 'price_a', quantity: 1.5 }] }, 'items[0].quantity must be a whole number from 1 to 10'],
    ['a repeated price', { ...valid, items: [{ price: 'price_a', quantity: 1 }, { price: 'price_a', quantity: 2 }] }, 'items[1].price repeats price_a; change its quantity instead'],
    ['a bad client reference', { ...valid, clientReferenceId: 'has space' }, 'clientReferenceId must be 1–200 characters of A-Z, a-z, 0-9, _ or -'],
    ['a bad email', { ...valid, email: 'nope' }, 'email is not an email address'],
  ])('%s → 400', async (_name, body, reason) => {
    const { send } = testApp();
    const before = await snapshot();
    const response = await send(post(body), testEnv({ STRIPE_SECRET_KEY: 'sk_test_x' }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: reason });
    expect(await snapshot()).toEqual(before);
  });

  it('an amount from the client is not even read: unknown fields are ignored, prices must be known', async () => {
    const { send } = testApp();
    const response = await send(post({ ...valid, items: [{ price: 'price_unknown', quantity: 1, amount: 1 }] }), testEnv({ STRIPE_SECRET_KEY: 'sk_test_x' }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'price price_unknown is not for sale' });
  });

  it('503 when the worker has no Stripe key: the storefront falls back to Payment Links', async () => {
    const { send } = testApp();
    const response = await send(post(valid));
    expect(response.status).toBe(503);
    expect(await refusalOf(response)).toMatch(/Payment Links/);
  });
});
