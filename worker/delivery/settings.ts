// How this deployment signs and times its download links, and how long a past_due subscription
// keeps its files, read from its env.
import type { Env } from '../platform/env';
import {
  DEFAULT_DOWNLOAD_LINK_TTL_SECONDS,
  DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS,
  MAX_DOWNLOAD_LINK_TTL_SECONDS,
  MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS,
  MIN_DOWNLOAD_SECRET_LENGTH,
} from '../../contract/limits';

export interface DownloadSettings {
  bucket: R2Bucket;
  secret: string;
  ttlSeconds: number;
}

export type SettingsResult = { ok: true; settings: DownloadSettings } | { ok: false; reason: string };

export function downloadSettings(env: Env): SettingsResult {
  if (!env.FILES) return { ok: false, reason: 'no FILES bucket is bound (wrangler.toml [[r2_buckets]])' };
  const secret = env.DOWNLOAD_SIGNING_SECRET?.trim() ?? '';
  if (secret.length < MIN_DOWNLOAD_SECRET_LENGTH) {
    return { ok: false, reason: `DOWNLOAD_SIGNING_SECRET is ${secret ? `shorter than ${MIN_DOWNLOAD_SECRET_LENGTH} characters` : 'not set'} (wrangler secret put DOWNLOAD_SIGNING_SECRET)` };
  }
  return { ok: true, settings: { bucket: env.FILES, secret, ttlSeconds: linkTtlSeconds(env.DOWNLOAD_LINK_TTL_SECONDS) } };
}

/** DOWNLOAD_LINK_TTL_SECONDS as a whole number of seconds from 60 to a week; anything else is the default. */
export function linkTtlSeconds(value: string | undefined): number {
  const seconds = Number(value?.trim());
  if (!value?.trim() || !Number.isInteger(seconds) || seconds < 60 || seconds > MAX_DOWNLOAD_LINK_TTL_SECONDS) return DEFAULT_DOWNLOAD_LINK_TTL_SECONDS;
  return seconds;
}

/**
 * SUBSCRIPTION_PAST_DUE_GRACE_DAYS as a whole number of days from 0 to 60; unset is the default.
 * Anything else is the default too, with the problem to log: a typo must not cut paying
 * subscribers off, nor go unnoticed (the back office's health page repeats it).
 */
export function pastDueGraceDays(value: string | undefined): { days: number; problem: string | null } {
  const text = value?.trim() ?? '';
  if (text === '') return { days: DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS, problem: null };
  const days = Number(text);
  if (/^\d+$/.test(text) && days <= MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS) return { days, problem: null };
  return {
    days: DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS,
    problem: `SUBSCRIPTION_PAST_DUE_GRACE_DAYS is ${JSON.stringify(value)}, not a whole number of days from 0 to ${MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS}: the default ${DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS} is used`,
  };
}

/** The grace this deployment gives, logging a misconfigured value each time it is read. */
export function pastDueGrace(env: Env): number {
  const { days, problem } = pastDueGraceDays(env.SUBSCRIPTION_PAST_DUE_GRACE_DAYS);
  if (problem) console.error(JSON.stringify({ msg: 'misconfigured', problem }));
  return days;
}
