import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { buyerTokenMaxLifetime, proveBuyer, signBuyerToken } from '../../../worker/http/buyer-proof';

const SECRET = 'buyer-token-secret-for-the-proof-tests';
const NOW = 1_800_000_000;
const DAY = 24 * 60 * 60;
const ID = 'user_42';

/** A token the seller's backend signed for `ID`, expiring `lifetime` seconds from NOW. */
async function proveWith(lifetime: number, tokenMaxLifetime?: string) {
  const expiry = NOW + lifetime;
  return proveBuyer({
    clientReferenceId: ID,
    secretHeader: undefined,
    authorization: `Bearer ${expiry}.${await signBuyerToken(SECRET, ID, expiry)}`,
    tokenSecrets: SECRET,
    tokenMaxLifetime,
    nowSeconds: NOW,
  });
}

describe('proveBuyer with a signed buyer token', () => {
  it('accepts a token that expires within the default maximum of 30 days, 30 days included', async () => {
    expect(await proveWith(600)).toEqual({ ok: true });
    expect(await proveWith(30 * DAY)).toEqual({ ok: true });
  });

  it.each([
    ['a day over the default 30 days', 31 * DAY],
    ['centuries away', 300 * 365 * DAY],
    ['at the largest expiry the token format allows', 999_999_999_999 - NOW],
  ])('refuses a well-signed token that expires %s, naming the limit', async (_label, lifetime) => {
    const proof = await proveWith(lifetime);
    expect(proof.ok).toBe(false);
    expect(proof).toMatchObject({ reason: expect.stringMatching(/BUYER_TOKEN_MAX_LIFETIME_SECONDS.*30 days/) });
  });

  it('honours a configured maximum: one hour refuses a two-hour token and accepts a half-hour one', async () => {
    expect(await proveWith(2 * 60 * 60, '3600')).toMatchObject({ ok: false, reason: expect.stringMatching(/BUYER_TOKEN_MAX_LIFETIME_SECONDS/) });
    expect(await proveWith(30 * 60, '3600')).toEqual({ ok: true });
  });

  it.each(['abc', '0', '-5', '59', '1.5', '1e5', '31536001'])('a malformed maximum %j refuses every token, naming the variable', async (value) => {
    expect(await proveWith(600, value)).toMatchObject({ ok: false, reason: expect.stringMatching(/^BUYER_TOKEN_MAX_LIFETIME_SECONDS must be/) });
  });
});

describe('buyerTokenMaxLifetime', () => {
  it('is 30 days when unset or blank, and whole seconds from a minute to a year otherwise', () => {
    expect(buyerTokenMaxLifetime(undefined)).toEqual({ ok: true, seconds: 30 * DAY });
    expect(buyerTokenMaxLifetime('')).toEqual({ ok: true, seconds: 30 * DAY });
    expect(buyerTokenMaxLifetime(' ')).toEqual({ ok: true, seconds: 30 * DAY });
    expect(buyerTokenMaxLifetime(' 3600 ')).toEqual({ ok: true, seconds: 3600 });
    expect(buyerTokenMaxLifetime('60')).toEqual({ ok: true, seconds: 60 });
    expect(buyerTokenMaxLifetime('31536000')).toEqual({ ok: true, seconds: 365 * DAY });
  });

  it('is what the production wrangler.toml sets: 30 days', () => {
    expect(buyerTokenMaxLifetime(env.PRODUCTION_VARS.BUYER_TOKEN_MAX_LIFETIME_SECONDS)).toEqual({ ok: true, seconds: 30 * DAY });
    expect(env.PRODUCTION_VARS.BUYER_TOKEN_MAX_LIFETIME_SECONDS).toBe(String(30 * DAY));
  });
});
