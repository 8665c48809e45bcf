// Who may see a buyer's entitlements (their orders and subscriptions). A
// `client_reference_id` is not a secret: it travels through Stripe, the seller's
// dashboard and every order of that buyer. So the caller proves it is the buyer:
//
// - The storefront's own ids are derived from a secret the browser keeps beside
//   them: id = "b_" + base64url(SHA-256(secret)). The browser sends the secret
//   (`X-Buyer-Secret`); the id itself is its stored hash, so nothing is registered.
// - A seller's own user ids come with a token their backend signs:
//   `Authorization: Bearer <expiry unix seconds>.<base64url HMAC-SHA256(BUYER_TOKEN_SECRET, "<id>.<expiry>")>`.
//   A token carries no issue time, so its expiry is bounded instead: at most
//   BUYER_TOKEN_MAX_LIFETIME_SECONDS (default 30 days) from now, or a leaked token would never die.
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { MiddlewareHandler } from 'hono';
import { commaSeparated } from '../platform/config';
import { BUYER_SECRET, DERIVED_BUYER_ID } from '../../contract/ids';
import { DEFAULT_BUYER_TOKEN_MAX_LIFETIME_SECONDS, MAX_BUYER_TOKEN_MAX_LIFETIME_SECONDS, MIN_BUYER_TOKEN_MAX_LIFETIME_SECONDS } from '../../contract/limits';
import type { AppEnv } from './app-env';

/** A route's validated input (its path, or its JSON body) that names the buyer. */
type NamesBuyer<Target extends 'param' | 'json'> = { out: { [K in Target]: { clientReferenceId: string } } };

/**
 * Refuses (401) a request whose caller does not prove to be the buyer its `clientReferenceId`
 * names; after the validator of `target`, before the handler.
 */
export function buyerProven<Target extends 'param' | 'json'>(target: Target): MiddlewareHandler<AppEnv, string, NamesBuyer<Target>> {
  return createMiddleware<AppEnv, string, NamesBuyer<Target>>(async (c, next) => {
    const { clientReferenceId } = c.req.valid(target) as { clientReferenceId: string };
    const proof = await proveBuyer({
      clientReferenceId,
      secretHeader: c.req.header('x-buyer-secret'),
      authorization: c.req.header('authorization'),
      tokenSecrets: c.env.BUYER_TOKEN_SECRET,
      tokenMaxLifetime: c.env.BUYER_TOKEN_MAX_LIFETIME_SECONDS,
      nowSeconds: Math.floor(c.var.deps.now() / 1000),
    });
    if (!proof.ok) throw new HTTPException(401, { message: `not proven to be this buyer: ${proof.reason}` });
    await next();
  });
}

export type Proof = { ok: true } | { ok: false; reason: string };

export interface ProofInput {
  clientReferenceId: string;
  secretHeader: string | undefined;
  authorization: string | undefined;
  /** BUYER_TOKEN_SECRET: one or more, comma-separated (rotation). */
  tokenSecrets: string | undefined;
  /** BUYER_TOKEN_MAX_LIFETIME_SECONDS, as configured (unset: the default). */
  tokenMaxLifetime: string | undefined;
  nowSeconds: number;
}

export async function proveBuyer({ clientReferenceId, secretHeader, authorization, tokenSecrets, tokenMaxLifetime, nowSeconds }: ProofInput): Promise<Proof> {
  if (DERIVED_BUYER_ID.test(clientReferenceId)) {
    if (!secretHeader) return { ok: false, reason: 'send the buyer secret kept beside this id in X-Buyer-Secret' };
    if (!BUYER_SECRET.test(secretHeader)) return { ok: false, reason: 'X-Buyer-Secret is malformed' };
    const hash = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secretHeader)));
    return equal(hash, clientReferenceId.slice(2)) ? { ok: true } : { ok: false, reason: 'X-Buyer-Secret does not belong to this buyer id' };
  }
  const secrets = commaSeparated(tokenSecrets);
  if (secrets.length === 0) return { ok: false, reason: 'this buyer id needs a signed buyer token, and BUYER_TOKEN_SECRET is not configured' };
  const maxLifetime = buyerTokenMaxLifetime(tokenMaxLifetime);
  if (!maxLifetime.ok) return maxLifetime;
  const token = /^Bearer (\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(authorization ?? '');
  if (!token) return { ok: false, reason: 'send a signed buyer token: Authorization: Bearer <expiry>.<signature>' };
  const expiry = Number(token[1]);
  if (expiry <= nowSeconds) return { ok: false, reason: 'the buyer token has expired' };
  if (expiry - nowSeconds > maxLifetime.seconds) {
    return { ok: false, reason: `the buyer token expires later than BUYER_TOKEN_MAX_LIFETIME_SECONDS allows (${duration(maxLifetime.seconds)} from now): sign tokens that expire sooner` };
  }
  for (const secret of secrets) {
    if (equal(await signBuyerToken(secret, clientReferenceId, expiry), token[2]!)) return { ok: true };
  }
  return { ok: false, reason: 'the buyer token is not signed for this buyer id' };
}

/** BUYER_TOKEN_MAX_LIFETIME_SECONDS: whole seconds from a minute to a year; unset or blank is 30 days. */
export function buyerTokenMaxLifetime(value: string | undefined): { ok: true; seconds: number } | { ok: false; reason: string } {
  const text = value?.trim() ?? '';
  if (!text) return { ok: true, seconds: DEFAULT_BUYER_TOKEN_MAX_LIFETIME_SECONDS };
  const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
  if (seconds >= MIN_BUYER_TOKEN_MAX_LIFETIME_SECONDS && seconds <= MAX_BUYER_TOKEN_MAX_LIFETIME_SECONDS) return { ok: true, seconds };
  return {
    ok: false,
    reason: `BUYER_TOKEN_MAX_LIFETIME_SECONDS must be a whole number of seconds from ${MIN_BUYER_TOKEN_MAX_LIFETIME_SECONDS} to ${MAX_BUYER_TOKEN_MAX_LIFETIME_SECONDS} (wrangler.toml [vars]), got ${JSON.stringify(value)}`,
  };
}

const duration = (seconds: number) => (seconds % 86_400 === 0 ? `${seconds / 86_400} days` : `${seconds} seconds`);

/** The signature part of a buyer token; a seller's backend computes the same (see README). */
export async function signBuyerToken(secret: string, clientReferenceId: string, expiry: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${clientReferenceId}.${expiry}`)));
}

function base64url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Constant-time for equal lengths: how much of a guess was right must not show in the timing. */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
