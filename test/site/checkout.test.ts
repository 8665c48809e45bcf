import { describe, expect, it, vi } from 'vitest';
import { checkoutRequest, startCheckout, type CheckoutRequest } from '../../site/src/checkout';

const request: CheckoutRequest = {
  items: [
    { price: 'price_notes', quantity: 2 },
    { price: 'price_mug', quantity: 1 },
  ],
  clientReferenceId: 'buyer_1',
};

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('checkoutRequest', () => {
  const items = [
    { productId: 'field-notes', priceId: 'price_notes', quantity: 2 },
    { productId: 'enamel-mug', priceId: 'price_mug', quantity: 1 },
  ];

  it('sends price ids and quantities with the client reference', () => {
    expect(checkoutRequest(items, { clientReferenceId: 'buyer_1', email: null })).toEqual(request);
  });

  it('adds the email only when known', () => {
    expect(checkoutRequest(items, { clientReferenceId: 'buyer_1', email: 'ada@example.com' })).toEqual({
      ...request,
      email: 'ada@example.com',
    });
  });
});

describe('startCheckout', () => {
  it('POSTs JSON to /api/checkout and returns the url', async () => {
    const fetchFake = vi.fn<typeof fetch>(async () => json({ url: 'https://checkout.stripe.com/c/pay/cs_test_a1' }, 200));
    const result = await startCheckout({ apiBase: 'https://api.example.com', request, fetch: fetchFake });
    expect(result).toEqual({ ok: true, url: 'https://checkout.stripe.com/c/pay/cs_test_a1' });
    const [input, init] = fetchFake.mock.calls[0]!;
    expect(input).toBe('https://api.example.com/api/checkout');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init?.body))).toEqual(request);
  });

  it('resolves a relative url against the page', async () => {
    const fetchFake = vi.fn<typeof fetch>(async () => json({ url: '/pay/cs_test_1' }, 200));
    const result = await startCheckout({ apiBase: '', request, fetch: fetchFake, baseUrl: 'http://127.0.0.1:8787/cart' });
    expect(result).toEqual({ ok: true, url: 'http://127.0.0.1:8787/pay/cs_test_1' });
  });

  it('an embedded session: returns its client secret and publishable key for Stripe.js, no url to follow', async () => {
    const body = { clientSecret: 'cs_test_a1B2c3_secret_d4E5f6', publishableKey: 'pk_test_51Shop' };
    const result = await startCheckout({ apiBase: '', request, fetch: vi.fn<typeof fetch>(async () => json(body, 200)) });
    expect(result).toEqual({ ok: true, ...body });
  });

  it.each([
    ['a client secret that is not a session’s', { clientSecret: 'pi_123_secret_456', publishableKey: 'pk_test_51Shop' }],
    ['a secret key in place of the publishable key', { clientSecret: 'cs_test_a1_secret_b2', publishableKey: 'sk_test_51Shop' }],
    ['no publishable key', { clientSecret: 'cs_test_a1_secret_b2' }],
  ])('refuses an embedded answer with %s', async (_label, body) => {
    const result = await startCheckout({ apiBase: '', request, fetch: vi.fn<typeof fetch>(async () => json(body, 200)) });
    expect(result.ok).toBe(false);
  });

  it.each([
    ['javascript:', { url: 'javascript:alert(1)' }],
    ['no url', {}],
    ['a non-string url', { url: 42 }],
  ])('refuses a 200 with %s', async (_label, body) => {
    const result = await startCheckout({ apiBase: '', request, fetch: vi.fn<typeof fetch>(async () => json(body, 200)) });
    expect(result.ok).toBe(false);
  });

  it.each([400, 409, 422, 500, 503])('passes on the error text of a %s', async (status) => {
    const fetchFake = vi.fn<typeof fetch>(async () => json({ error: 'price_notes is no longer for sale' }, status));
    await expect(startCheckout({ apiBase: '', request, fetch: fetchFake })).resolves.toEqual({
      ok: false,
      error: 'price_notes is no longer for sale',
    });
  });

  it('has a message of its own for an error without text', async () => {
    const fetchFake = vi.fn<typeof fetch>(async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    const result = await startCheckout({ apiBase: '', request, fetch: fetchFake });
    expect(result).toEqual({ ok: false, error: expect.stringContaining('502') });
  });

  it('reports a network error', async () => {
    const fetchFake = vi.fn<typeof fetch>(async () => Promise.reject(new TypeError('fetch failed')));
    const result = await startCheckout({ apiBase: '', request, fetch: fetchFake });
    expect(result).toEqual({ ok: false, error: expect.stringContaining('could not reach') });
  });
});
