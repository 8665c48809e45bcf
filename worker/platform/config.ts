/**
 * Reads a comma-separated variable (`STRIPE_WEBHOOK_SECRET`, `ALLOWED_ORIGINS`):
 * trimmed, empties dropped, since pasted values often carry stray whitespace.
 */
export function commaSeparated(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export type StripeMode = 'test' | 'live';

/**
 * Which of Stripe's modes this deployment serves. A secret key says it by its
 * prefix; without one, `STRIPE_MODE` does (wrangler.toml sets `live`, `.dev.vars`
 * sets `test`); unset means `test`, the safe side for money.
 */
export function shopMode(env: { STRIPE_SECRET_KEY?: string; STRIPE_MODE?: string }): StripeMode {
  const key = env.STRIPE_SECRET_KEY?.trim();
  if (key) return /^(sk|rk)_live_/.test(key) ? 'live' : 'test';
  return env.STRIPE_MODE?.trim() === 'live' ? 'live' : 'test';
}

/** Session ids carry their mode (`cs_test_…`, `cs_live_…`). */
export function modeOfSessionId(id: string): StripeMode {
  return id.startsWith('cs_live_') ? 'live' : 'test';
}

export type WebhookProcessing = 'queue' | 'sync';

/**
 * How webhooks are processed: `sync` when WEBHOOK_PROCESSING says so or no EVENTS queue is
 * bound (a queue that is not there cannot be the default); `queue` otherwise.
 */
export function webhookProcessing(env: { WEBHOOK_PROCESSING?: string; EVENTS?: unknown }): WebhookProcessing {
  const value = env.WEBHOOK_PROCESSING?.trim() ?? '';
  if (value !== '' && value !== 'queue' && value !== 'sync') {
    console.warn(JSON.stringify({ msg: 'WEBHOOK_PROCESSING must be "queue" or "sync"; using the default', value }));
  }
  if (value === 'sync' || !env.EVENTS) return 'sync';
  return 'queue';
}

export const DEFAULT_PAYLOAD_RETENTION_DAYS = 30;

/**
 * How many days the ledger keeps a processed event's payload: a whole number from 1 to 3650,
 * 30 by default (as long as Stripe keeps events, so a replay can still fetch it); anything
 * else is logged and the default used.
 */
export function payloadRetentionDays(env: { LEDGER_PAYLOAD_RETENTION_DAYS?: string }): number {
  const value = env.LEDGER_PAYLOAD_RETENTION_DAYS?.trim() ?? '';
  if (value === '') return DEFAULT_PAYLOAD_RETENTION_DAYS;
  const days = Number(value);
  if (Number.isInteger(days) && days >= 1 && days <= 3650) return days;
  console.warn(JSON.stringify({ msg: 'LEDGER_PAYLOAD_RETENTION_DAYS must be a whole number of days from 1 to 3650; using 30', value }));
  return DEFAULT_PAYLOAD_RETENTION_DAYS;
}
