import Stripe from 'stripe';
import { describe, expect, it, vi } from 'vitest';
import { MAX_SIGNATURE_HEADER_LENGTH, MAX_V1_SIGNATURES, parseSignatureHeader, signPayload, verifySignature } from '../../../worker/stripe/signature';

const secret = 'whsec_test_signature_secret';
const payload = JSON.stringify({ id: 'evt_1', object: 'event' });
const bytes = (text: string) => new TextEncoder().encode(text);
const now = 1_760_000_000;

async function stripeHeader(options: { payload?: string; secret?: string; timestamp?: number } = {}) {
  return Stripe.webhooks.generateTestHeaderStringAsync({
    payload: options.payload ?? payload,
    secret: options.secret ?? secret,
    timestamp: options.timestamp ?? now,
  });
}

const verify = (header: string | null, overrides: { body?: string; secrets?: string[]; nowSeconds?: number } = {}) =>
  verifySignature({ payload: bytes(overrides.body ?? payload), header, secrets: overrides.secrets ?? [secret], nowSeconds: overrides.nowSeconds ?? now });

describe('verifySignature', () => {
  it('accepts a header made by the stripe package', async () => {
    expect(await verify(await stripeHeader())).toEqual({ ok: true, timestamp: now });
  });

  it('accepts when any configured secret matches any v1 (rotation)', async () => {
    const header = await stripeHeader({ secret: 'whsec_new' });
    const withOldSignature = `${header},v1=${'0'.repeat(64)}`;
    expect((await verify(withOldSignature, { secrets: ['whsec_old', 'whsec_new'] })).ok).toBe(true);
  });

  it('rejects a signature made with another secret', async () => {
    const verdict = await verify(await stripeHeader({ secret: 'whsec_other' }));
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/no signature matches/) });
  });

  it('rejects a tampered body, even by one added space', async () => {
    const header = await stripeHeader();
    expect((await verify(header, { body: payload.replace('evt_1', 'evt_2') })).ok).toBe(false);
    expect((await verify(header, { body: `${payload} ` })).ok).toBe(false);
  });

  it('rejects timestamps more than 300 s old or ahead, accepts at exactly 300 s', async () => {
    expect(await verify(await stripeHeader({ timestamp: now - 301 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/tolerance/) });
    expect(await verify(await stripeHeader({ timestamp: now + 3600 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/tolerance/) });
    expect((await verify(await stripeHeader({ timestamp: now - 300 }))).ok).toBe(true);
  });

  it('ignores v0 signatures', async () => {
    const header = await stripeHeader();
    const v0Only = header.replace('v1=', 'v0=');
    expect(await verify(v0Only)).toMatchObject({ ok: false, reason: expect.stringMatching(/no v1 signature/) });
  });

  it('rejects a missing or empty header', async () => {
    expect(await verify(null)).toMatchObject({ ok: false, reason: 'missing Stripe-Signature header' });
    expect(await verify('  ')).toMatchObject({ ok: false, reason: 'missing Stripe-Signature header' });
  });
});

describe('verifySignature under attack: bounded work per request', () => {
  const bogus = (count: number) => Array.from({ length: count }, (_, i) => `v1=${(i % 16).toString(16).repeat(64)}`).join(',');

  /** Runs `work` and counts the HMACs computed meanwhile (subtle.sign or subtle.verify, each hashes the whole payload). */
  async function hmacsDuring(work: () => Promise<unknown>): Promise<number> {
    const sign = vi.spyOn(crypto.subtle, 'sign');
    const check = vi.spyOn(crypto.subtle, 'verify');
    try {
      await work();
      return sign.mock.calls.length + check.mock.calls.length;
    } finally {
      sign.mockRestore();
      check.mockRestore();
    }
  }

  it('computes one HMAC of the payload per secret, whatever the number of v1 candidates', async () => {
    let verdict: Awaited<ReturnType<typeof verify>> | undefined;
    const hmacs = await hmacsDuring(async () => {
      verdict = await verify(`t=${now},${bogus(8)}`, { secrets: ['whsec_a', 'whsec_b'] });
    });
    expect(verdict?.ok).toBe(false);
    expect(hmacs).toBe(2);
  });

  it('accepts 8 v1 signatures when the last is valid, rejects 9 without hashing the payload', async () => {
    expect(MAX_V1_SIGNATURES).toBe(8);
    const [timestamp, v1] = (await stripeHeader()).split(',');
    expect((await verify(`${timestamp},${bogus(7)},${v1}`)).ok).toBe(true);

    let verdict: Awaited<ReturnType<typeof verify>> | undefined;
    const hmacs = await hmacsDuring(async () => {
      verdict = await verify(`${timestamp},${v1},${bogus(8)}`);
    });
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/more than 8 v1 signatures/) });
    expect(hmacs).toBe(0);
  });

  it('counts malformed v1 values against the cap too', async () => {
    expect(await verify(`${await stripeHeader()},${Array(8).fill('v1=zz').join(',')}`)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more than 8 v1 signatures/),
    });
  });

  it("rejects the reviewer's 1,500 bogus v1 signatures by the header's length, without hashing the payload", async () => {
    let verdict: Awaited<ReturnType<typeof verify>> | undefined;
    const hmacs = await hmacsDuring(async () => {
      verdict = await verify(`t=${now},${bogus(1500)}`);
    });
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/longer than 8192 characters/) });
    expect(hmacs).toBe(0);
  });

  it('accepts a header of exactly 8 KiB, rejects one character more', async () => {
    expect(MAX_SIGNATURE_HEADER_LENGTH).toBe(8 * 1024);
    const valid = await stripeHeader();
    const padded = (length: number) => `${valid},x=${'a'.repeat(length - valid.length - 3)}`;
    expect(padded(8192)).toHaveLength(8192);
    expect((await verify(padded(8192))).ok).toBe(true);
    expect(await verify(padded(8193))).toMatchObject({ ok: false, reason: expect.stringMatching(/longer than 8192 characters/) });
  });
});

describe('parseSignatureHeader', () => {
  it('reads t and every v1, skipping unknown schemes', () => {
    const parsed = parseSignatureHeader(`t=12,v1=${'a'.repeat(64)},v0=${'b'.repeat(64)},v1=${'c'.repeat(64)}`);
    expect(parsed.ok && parsed.header.timestamp).toBe(12);
    expect(parsed.ok && parsed.header.signatures.length).toBe(2);
  });

  it.each([
    ['garbage', /no timestamp/],
    [`v1=${'a'.repeat(64)}`, /no timestamp/],
    ['t=12', /no v1/],
    [`t=12,t=13,v1=${'a'.repeat(64)}`, /repeated timestamp/],
    [`t=-5,v1=${'a'.repeat(64)}`, /bad or repeated timestamp/],
    ['t=12,v1=nothex', /no v1/],
  ])('rejects %j', (header, reason) => {
    expect(parseSignatureHeader(header)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('signPayload', () => {
  it('produces the same header as the stripe package', async () => {
    expect(await signPayload(secret, payload, now)).toBe(await stripeHeader());
  });
});
