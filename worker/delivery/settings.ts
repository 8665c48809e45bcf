// How this deployment signs and times its download links, read from its env.
import type { Env } from '../platform/env';
import { DEFAULT_DOWNLOAD_LINK_TTL_SECONDS, MAX_DOWNLOAD_LINK_TTL_SECONDS, MIN_DOWNLOAD_SECRET_LENGTH } from '../../contract/limits';

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
