import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseSignatureHeader, signPayload, verifySignature } from '../../../worker/stripe/signature';

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
