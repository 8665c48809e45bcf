// Manage subscription's call to POST /api/portal: what the page does with each answer.
import { describe, expect, it } from 'vitest';
import { openPortal } from '../../site/src/portal';

const json = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const answering = (response: () => Response) => {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input instanceof Request ? input.url : input), init });
    return response();
  }) as typeof fetch;
  return { calls, fetchImpl };
};

describe('openPortal', () => {
  it('POSTs the buyer’s client reference id to /api/portal and follows Stripe’s https portal', async () => {
    const { calls, fetchImpl } = answering(() => json({ url: 'https://billing.stripe.com/p/session/test_123' }, 200));
    expect(await openPortal({ apiBase: 'https://shop.example', fetch: fetchImpl })).toEqual({ ok: true, url: 'https://billing.stripe.com/p/session/test_123' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://shop.example/api/portal');
    expect(calls[0]!.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ clientReferenceId: expect.stringMatching(/^[A-Za-z0-9_-]{1,200}$/) });
  });

  it.each(['javascript:alert(1)', 'http://evil.example/portal', '//evil.example/', 42])('a 200 whose url is %j is not followed', async (url) => {
    const { fetchImpl } = answering(() => json({ url }, 200));
    expect(await openPortal({ apiBase: '', fetch: fetchImpl })).toMatchObject({ ok: false });
  });

  it.each([
    [401, /cannot prove it bought the subscription\. Open your purchases by email \(Email me my purchases, at \/library\)/],
    [404, /No subscription was found/],
    [502, /could not be opened \(HTTP 502\)/],
  ])('%i → a message for the buyer', async (status, message) => {
    const { fetchImpl } = answering(() => json({ error: 'x' }, status));
    const result = await openPortal({ apiBase: '', fetch: fetchImpl });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });

  it('a network failure → a message, no throw', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await openPortal({ apiBase: '', fetch: fetchImpl })).toMatchObject({ ok: false, error: expect.stringMatching(/could not be reached/) });
  });
});
