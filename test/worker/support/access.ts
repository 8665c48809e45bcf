import { env } from 'cloudflare:workers';
import { SignJWT, generateKeyPair, importJWK, type JWTPayload } from 'jose';

export const ACCESS_AUD = 'aud-tag-of-the-back-office-application';

/** The env of a shop behind Cloudflare Access: the stand-in team and this audience. */
export const accessVars = { ACCESS_TEAM_DOMAIN: env.ACCESS_TEAM_ORIGIN, ACCESS_AUD };

const teamKey = () => importJWK(JSON.parse(env.ACCESS_PRIVATE_JWK), 'RS256');
const teamKid = () => (JSON.parse(env.ACCESS_PRIVATE_JWK) as { kid: string }).kid;

interface TokenOptions {
  claims?: JWTPayload;
  /** Sign with this key instead of the team's (same kid: a key the attacker made). */
  key?: CryptoKey;
  expiresIn?: string | number;
  notBefore?: string | number;
}

/** An Access JWT as Cloudflare signs it: RS256, the team's kid, issuer, audience, email. */
export async function accessJwt({ claims = {}, key, expiresIn = '5m', notBefore }: TokenOptions = {}): Promise<string> {
  const payload = { email: 'seller@example.com', type: 'app', iss: env.ACCESS_TEAM_ORIGIN, aud: [ACCESS_AUD], sub: 'seller-user-id', ...claims };
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: teamKid() }).setIssuedAt().setExpirationTime(expiresIn);
  if (notBefore !== undefined) jwt.setNotBefore(notBefore);
  return jwt.sign(key ?? (await teamKey()));
}

/**
 * An Access JWT for a service token (a script sending CF-Access-Client-Id and -Secret), as
 * Cloudflare documents it: the token's client id as `common_name`, an empty `sub`, no email.
 */
export async function serviceTokenJwt({ clientId = 'e367826f93b8d71185e03fe518aff3b4.access', claims = {} }: { clientId?: string; claims?: JWTPayload } = {}): Promise<string> {
  const payload = { type: 'app', iss: env.ACCESS_TEAM_ORIGIN, aud: [ACCESS_AUD], common_name: clientId, sub: '', ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: teamKid(), typ: 'JWT' }).setIssuedAt().setExpirationTime('5m').sign(await teamKey());
}

/** A key pair nobody at Cloudflare ever published. */
export async function strangerKey(): Promise<CryptoKey> {
  return (await generateKeyPair('RS256')).privateKey;
}

/** Header for a request that came through Access. */
export const viaAccess = (token: string) => ({ 'cf-access-jwt-assertion': token });
