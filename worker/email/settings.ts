// Which provider sends this shop's email, as whom, and where the links in it point: read from
// the env, checked whole, so the health page can say what is wrong and no send goes out half set.
import type { Env } from '../platform/env';

export type EmailProvider = 'resend' | 'postmark';

export interface EmailSettings {
  provider: EmailProvider;
  apiKey: string;
  /** `Shop <orders@shop.example>` or a bare address, as the provider takes it. */
  from: string;
  /** The provider's API origin: its own, or the local mail catcher's (npm start, tests). */
  apiBase: string;
  /** The shop's public origin, for the order and library links in a message. */
  siteUrl: string;
  timeoutMs: number;
}

export type EmailSettingsResult = { ok: true; settings: EmailSettings } | { ok: false; reason: string };

const PROVIDER_ORIGINS: Record<EmailProvider, string> = { resend: 'https://api.resend.com', postmark: 'https://api.postmarkapp.com' };
const DEFAULT_TIMEOUT_MS = 10_000;

// One address, no spaces or angle brackets inside: enough to refuse a typo, not a full RFC 5322 parser.
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/** A sender as `Name <address>` or `address`; the address is what must be valid. */
export function isValidSender(value: string): boolean {
  const named = /^([^<>]*)<([^<>]+)>$/.exec(value.trim());
  return ADDRESS.test(named ? named[2]!.trim() : value.trim());
}

export function isValidAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

export function emailSettings(env: Env): EmailSettingsResult {
  const name = (env.EMAIL_PROVIDER?.trim() || 'resend').toLowerCase();
  if (name !== 'resend' && name !== 'postmark') return { ok: false, reason: `EMAIL_PROVIDER is "${name}": use resend or postmark` };
  const provider: EmailProvider = name;
  const apiKey = env.EMAIL_API_KEY?.trim() ?? '';
  if (!apiKey) return { ok: false, reason: 'no email provider is configured (EMAIL_API_KEY is not set): buyers get no receipt and no library link' };
  const from = env.EMAIL_FROM?.trim() ?? '';
  if (!isValidSender(from)) return { ok: false, reason: `EMAIL_FROM ${from ? `"${from}" is not an address` : 'is not set'}: e.g. "Shop <orders@shop.example>"` };
  const siteUrl = originOf(env.SITE_URL);
  if (!siteUrl) return { ok: false, reason: `SITE_URL ${env.SITE_URL?.trim() ? `"${env.SITE_URL.trim()}" is not an http(s) URL` : 'is not set'}: the links in emails need the shop's address` };
  const apiBase = env.EMAIL_API_BASE?.trim() ? originOf(env.EMAIL_API_BASE) : PROVIDER_ORIGINS[provider];
  if (!apiBase) return { ok: false, reason: `EMAIL_API_BASE "${env.EMAIL_API_BASE}" is not an http(s) URL` };
  const timeout = Number(env.EMAIL_TIMEOUT_MS?.trim());
  return { ok: true, settings: { provider, apiKey, from, apiBase, siteUrl, timeoutMs: Number.isInteger(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS } };
}

function originOf(value: string | undefined): string | null {
  try {
    const url = new URL(value?.trim() ?? '');
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}
