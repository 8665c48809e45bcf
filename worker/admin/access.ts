// Cloudflare Access in front of the back office: Access signs a JWT for each request it
// lets through (`Cf-Access-Jwt-Assertion`), RS256 with the team's keys. The worker checks
// it with jose against the team's published keys (fetched once, cached per isolate), the
// application's audience tag and the team as issuer, so a request that went around Access
// (the workers.dev URL, a forged header) gets nothing.
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface AccessConfig {
  /** `https://<team>.cloudflareaccess.com`: the issuer, and where its keys are published. */
  teamOrigin: string;
  /** The Access application's audience (AUD) tag. */
  audience: string;
}

export type AccessSetting = { configured: true; config: AccessConfig } | { configured: false } | { configured: 'partly'; problem: string };

/**
 * Reads `ACCESS_TEAM_DOMAIN` (`<team>.cloudflareaccess.com`, with or without `https://`)
 * and `ACCESS_AUD`. One without the other is a mistake, not "Access off": the caller
 * refuses everything rather than fall back to the bearer token.
 */
export function accessSetting(env: { ACCESS_TEAM_DOMAIN?: string; ACCESS_AUD?: string }): AccessSetting {
  const domain = env.ACCESS_TEAM_DOMAIN?.trim() ?? '';
  const audience = env.ACCESS_AUD?.trim() ?? '';
  if (!domain && !audience) return { configured: false };
  if (!domain || !audience) return { configured: 'partly', problem: `ACCESS_TEAM_DOMAIN and ACCESS_AUD must be set together (${domain ? 'ACCESS_AUD' : 'ACCESS_TEAM_DOMAIN'} is missing)` };
  let url: URL;
  try {
    url = new URL(/^https?:\/\//.test(domain) ? domain : `https://${domain}`);
  } catch {
    return { configured: 'partly', problem: `ACCESS_TEAM_DOMAIN is not a host name: ${domain}` };
  }
  // Keys fetched over plain HTTP could be swapped on the way; only loopback (tests) may.
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    return { configured: 'partly', problem: `ACCESS_TEAM_DOMAIN must be https: ${domain}` };
  }
  return { configured: true, config: { teamOrigin: url.origin, audience } };
}

// One key set per team for the isolate's life: jose refetches on an unknown `kid` (key
// rotation) at most every 30 s and keeps keys for 10 minutes.
const keySets = new Map<string, JWTVerifyGetKey>();

function keySetOf(teamOrigin: string): JWTVerifyGetKey {
  let keySet = keySets.get(teamOrigin);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL('/cdn-cgi/access/certs', teamOrigin));
    keySets.set(teamOrigin, keySet);
  }
  return keySet;
}

const nonEmpty = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

export type AccessVerdict = { ok: true; identity: string } | { ok: false; reason: string };

/** Verifies an Access JWT: signature (RS256 only), audience, issuer, expiry and not-before. */
export async function verifyAccessJwt(token: string, config: AccessConfig): Promise<AccessVerdict> {
  try {
    const { payload } = await jwtVerify(token, keySetOf(config.teamOrigin), {
      algorithms: ['RS256'],
      audience: config.audience,
      issuer: config.teamOrigin,
      requiredClaims: ['exp', 'iat'],
    });
    // A user's token carries their email; a service token's (a script's: CF-Access-Client-Id and
    // -Secret) carries the token's client id as common_name and an empty sub. Every action is
    // logged with who did it, so a token naming neither lets nobody in.
    const identity = nonEmpty(payload.email) ?? (nonEmpty(payload.common_name) ? `service:${payload.common_name as string}` : null);
    if (!identity) return { ok: false, reason: 'the JWT names no email and no service token (common_name)' };
    return { ok: true, identity };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
