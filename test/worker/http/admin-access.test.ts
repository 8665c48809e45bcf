// Who may enter the back office: the auth matrix (none, wrong, forged, expired, foreign,
// right) for Cloudflare Access and for the SYNC_TOKEN fallback, and cross-site calls.
import { env } from 'cloudflare:workers';
import { SignJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_AUD, accessJwt, accessVars, serviceTokenJwt, strangerKey, viaAccess } from '../support/access';
import { snapshot, testApp, testEnv } from '../support/app';

const SYNC_TOKEN = 'sync-token-for-tests';
const stripeVars = { STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL, CATALOG: env.CATALOG };
const behindAccess = testEnv({ ...stripeVars, ...accessVars, SYNC_TOKEN });
const withToken = testEnv({ ...stripeVars, SYNC_TOKEN });

const sync = (headers: Record<string, string> = {}) =>
  new Request('https://shop.example/api/admin/sync', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ resource: 'products' }),
  });

/** What any unknown route answers: the back office is indistinguishable from nothing. */
const NOT_FOUND = { error: 'no route for POST /api/admin/sync' };

async function expectAbsent(response: Response) {
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual(NOT_FOUND);
}

describe('behind Cloudflare Access', () => {
  it('a valid Access JWT (RS256, team key, audience, issuer, unexpired) enters', async () => {
    const { send } = testApp();
    const response = await send(sync(viaAccess(await accessJwt())), behindAccess);
    expect(response.status).toBe(200);
  });

  it('a service token’s JWT (common_name, empty sub, no email) enters, and its client id is the actor logged', async () => {
    const { send } = testApp();
    const response = await send(sync(viaAccess(await serviceTokenJwt({ clientId: 'launch-bot.access' }))), behindAccess);
    expect(response.status).toBe(200);
    const logged = await env.DB.prepare("SELECT actor FROM admin_actions WHERE action = 'mirror_synced' ORDER BY id DESC LIMIT 1").first<{ actor: string }>();
    expect(logged?.actor).toBe('service:launch-bot.access');
  });

  it('a JWT with neither email nor common_name (no identity Access vouches for) → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(viaAccess(await serviceTokenJwt({ claims: { common_name: undefined } }))), behindAccess));
    await expectAbsent(await send(sync(viaAccess(await serviceTokenJwt({ claims: { common_name: '' } }))), behindAccess));
  });

  it('a service token’s JWT for another application (wrong audience) → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(viaAccess(await serviceTokenJwt({ claims: { aud: ['another-application'] } }))), behindAccess));
  });

  it('no Cf-Access-Jwt-Assertion header → 404 like an unknown route', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(), behindAccess));
  });

  it('the SYNC_TOKEN bearer is not accepted instead of Access → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync({ authorization: `Bearer ${SYNC_TOKEN}` }), behindAccess));
  });

  it('a token that is not a JWT → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(viaAccess('not.a.jwt')), behindAccess));
  });

  it('an unsigned JWT (alg none) with the right claims → 404', async () => {
    const { send } = testApp();
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => base64url.encode(JSON.stringify(value));
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: env.ACCESS_TEAM_ORIGIN, aud: [ACCESS_AUD], email: 'x@example.com', iat: now, exp: now + 300 })}.`;
    await expectAbsent(await send(sync(viaAccess(unsigned)), behindAccess));
  });

  it('a JWT signed HS256 with the audience tag as the secret (algorithm confusion) → 404', async () => {
    const { send } = testApp();
    const forged = await new SignJWT({ email: 'x@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(env.ACCESS_TEAM_ORIGIN)
      .setAudience(ACCESS_AUD)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(ACCESS_AUD));
    await expectAbsent(await send(sync(viaAccess(forged)), behindAccess));
  });

  it('a JWT signed with a key the team never published (same kid) → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(viaAccess(await accessJwt({ key: await strangerKey() }))), behindAccess));
  });

  it('a JWT for another Access application (wrong audience) → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(viaAccess(await accessJwt({ claims: { aud: ['another-application'] } }))), behindAccess));
  });

  it('a JWT from another team (wrong issuer) → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(viaAccess(await accessJwt({ claims: { iss: 'https://other-team.cloudflareaccess.com' } }))), behindAccess));
  });

  it('an expired JWT → 404', async () => {
    const { send } = testApp();
    const expired = await accessJwt({ expiresIn: Math.floor(Date.now() / 1000) - 120 });
    await expectAbsent(await send(sync(viaAccess(expired)), behindAccess));
  });

  it('a JWT not valid yet (nbf in an hour) → 404', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync(viaAccess(await accessJwt({ notBefore: '1h', expiresIn: '2h' }))), behindAccess));
  });

  it('half configured (team domain without audience) refuses even a valid JWT → 404', async () => {
    const { send } = testApp();
    const half = testEnv({ ...stripeVars, ACCESS_TEAM_DOMAIN: env.ACCESS_TEAM_ORIGIN, SYNC_TOKEN });
    await expectAbsent(await send(sync(viaAccess(await accessJwt())), half));
    await expectAbsent(await send(sync({ authorization: `Bearer ${SYNC_TOKEN}` }), half));
  });

  it('a refused request changes nothing in D1', async () => {
    const { send } = testApp();
    const before = await snapshot();
    await send(sync(viaAccess(await accessJwt({ key: await strangerKey() }))), behindAccess);
    expect(await snapshot()).toEqual(before);
  });
});

describe('the SYNC_TOKEN fallback (Access not configured)', () => {
  it('neither Access nor SYNC_TOKEN configured → 404 even for a bearer', async () => {
    const { send } = testApp();
    await expectAbsent(await send(sync({ authorization: 'Bearer anything' }), testEnv(stripeVars)));
  });

  it('the right bearer enters', async () => {
    const { send } = testApp();
    expect((await send(sync({ authorization: `Bearer ${SYNC_TOKEN}` }), withToken)).status).toBe(200);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer guess' }],
    ['an Access JWT instead of the bearer', { 'cf-access-jwt-assertion': 'x' }],
  ])('%s → 401 with WWW-Authenticate: Bearer and the reason', async (_name, headers: Record<string, string>) => {
    const { send } = testApp();
    const response = await send(sync(headers), withToken);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toEqual({ error: 'missing or wrong bearer token (SYNC_TOKEN)' });
  });

  it('the token under another scheme (Basic) → 400 invalid_request (RFC 6750), with the reason', async () => {
    const { send } = testApp();
    const response = await send(sync({ authorization: `Basic ${SYNC_TOKEN}` }), withToken);
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_request"');
    expect(await response.json()).toEqual({ error: 'missing or wrong bearer token (SYNC_TOKEN)' });
  });
});

describe('cross-site calls', () => {
  it.each([
    ['an Origin of another site', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ])('a POST with a valid Access JWT from %s → 403, nothing changed', async (_name, headers: Record<string, string>) => {
    const { send } = testApp();
    const before = await snapshot();
    const response = await send(sync({ ...viaAccess(await accessJwt()), ...headers }), behindAccess);
    expect(response.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('a POST from the shop’s own origin passes', async () => {
    const { send } = testApp();
    const response = await send(sync({ ...viaAccess(await accessJwt()), origin: 'https://shop.example', 'sec-fetch-site': 'same-origin' }), behindAccess);
    expect(response.status).toBe(200);
  });

  it('ALLOWED_ORIGINS (the storefront on Pages) does not open the back office to that origin', async () => {
    const { send } = testApp();
    const response = await send(sync({ ...viaAccess(await accessJwt()), origin: 'https://shop.pages.dev' }), behindAccess);
    expect(response.status).toBe(403);
  });
});
