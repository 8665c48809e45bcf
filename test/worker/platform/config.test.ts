import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { commaSeparated, payloadRetentionDays, shopMode } from '../../../worker/platform/config';
import { pastDueGraceDays } from '../../../worker/delivery/settings';

describe('commaSeparated', () => {
  it('splits on commas and trims stray whitespace and newlines', () => {
    expect(commaSeparated(' whsec_a ,\nwhsec_b\n,, ')).toEqual(['whsec_a', 'whsec_b']);
  });

  it('reads an unset or blank variable as empty', () => {
    expect(commaSeparated(undefined)).toEqual([]);
    expect(commaSeparated(' , ')).toEqual([]);
  });
});

describe('shopMode', () => {
  it('takes the mode from the secret key’s prefix when a key is set', () => {
    expect(shopMode({ STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_MODE: 'test' })).toBe('live');
    expect(shopMode({ STRIPE_SECRET_KEY: 'rk_live_x' })).toBe('live');
    expect(shopMode({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_MODE: 'live' })).toBe('test');
  });

  it('else from STRIPE_MODE, and test when nothing says otherwise', () => {
    expect(shopMode({ STRIPE_MODE: 'live' })).toBe('live');
    expect(shopMode({ STRIPE_MODE: ' live ' })).toBe('live');
    expect(shopMode({ STRIPE_MODE: 'test' })).toBe('test');
    expect(shopMode({ STRIPE_MODE: 'LIVE!' })).toBe('test');
    expect(shopMode({})).toBe('test');
  });
});

describe('the production wrangler.toml', () => {
  it('serves live mode unless a key or .dev.vars says otherwise', () => {
    expect(shopMode(env.PRODUCTION_VARS)).toBe('live');
  });

  it('gives a past_due subscription 7 days, stated (not left to the default) and valid', () => {
    expect(env.PRODUCTION_VARS.SUBSCRIPTION_PAST_DUE_GRACE_DAYS).toBe('7');
    expect(pastDueGraceDays(env.PRODUCTION_VARS.SUBSCRIPTION_PAST_DUE_GRACE_DAYS)).toEqual({ days: 7, problem: null });
  });
});

describe('payloadRetentionDays', () => {
  it('reads a whole number of days from 1 to 3650; unset, blank or anything else is 30', () => {
    expect(payloadRetentionDays({ LEDGER_PAYLOAD_RETENTION_DAYS: '7' })).toBe(7);
    expect(payloadRetentionDays({ LEDGER_PAYLOAD_RETENTION_DAYS: ' 3650 ' })).toBe(3650);
    for (const value of [undefined, '', '0', '-1', '2.5', 'forever', '3651']) expect(payloadRetentionDays({ LEDGER_PAYLOAD_RETENTION_DAYS: value })).toBe(30);
  });

  it('the production wrangler.toml states 30', () => {
    expect(env.PRODUCTION_VARS.LEDGER_PAYLOAD_RETENTION_DAYS).toBe('30');
  });
});
