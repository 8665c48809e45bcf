// @ts-check
// How a CLI gets into the worker's /api/admin/*: through Cloudflare Access with a service token
// (CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET, sent as Access's CF-Access-Client-Id and
// CF-Access-Client-Secret headers; Access lets the request through with a JWT the worker
// verifies), or, without Access, with the worker's SYNC_TOKEN as a bearer.

/** @typedef {{ headers: Record<string, string>, via: string }} AdminAuth */

export class AdminAuthError extends Error {}

export const ADMIN_AUTH_HELP = `  CF_ACCESS_CLIENT_ID      with CF_ACCESS_CLIENT_SECRET: a Cloudflare Access service token, for a back
  CF_ACCESS_CLIENT_SECRET  office behind Access (sent as CF-Access-Client-Id / CF-Access-Client-Secret)
  SYNC_TOKEN               the worker's bearer token, for a back office without Access`;

/**
 * The headers for an admin request, from the environment (or `fallback`, e.g. .dev.vars).
 * @param {Record<string, string | undefined>} env
 * @param {{ SYNC_TOKEN?: string }} [fallback]
 * @returns {AdminAuth}
 */
export function adminAuth(env, fallback = {}) {
  const id = env.CF_ACCESS_CLIENT_ID?.trim() ?? '';
  const secret = env.CF_ACCESS_CLIENT_SECRET?.trim() ?? '';
  if (Boolean(id) !== Boolean(secret)) {
    throw new AdminAuthError(`CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET go together (${id ? 'CF_ACCESS_CLIENT_SECRET' : 'CF_ACCESS_CLIENT_ID'} is missing): they are the two halves of one Access service token.`);
  }
  const token = env.SYNC_TOKEN?.trim() || fallback.SYNC_TOKEN?.trim() || '';
  /** @type {Record<string, string>} */
  const headers = {};
  if (id) Object.assign(headers, { 'cf-access-client-id': id, 'cf-access-client-secret': secret });
  if (token) headers.authorization = `Bearer ${token}`;
  if (!id && !token) {
    throw new AdminAuthError(
      'No way into the back office: set SYNC_TOKEN (the worker\'s, from .dev.vars locally or what npm run launch printed), or, behind Cloudflare Access, CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET (a service token).',
    );
  }
  return { headers, via: id ? `the Access service token ${id}` : 'SYNC_TOKEN' };
}

/**
 * What a refusal of an admin request means, for the message a CLI prints; null when it is not one.
 * Access answers a request without a valid service token with a redirect to its login page (or
 * 403); the worker answers 404 to anyone it does not let in, and 401 to a wrong SYNC_TOKEN.
 * @param {Response} response
 * @param {AdminAuth} auth
 */
export function refusalOf(response, auth) {
  const { status } = response;
  if (status >= 300 && status < 400) {
    return `Cloudflare Access asked for a login (${status} to ${response.headers.get('location') ?? 'its login page'}): send a service token its policy allows (CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET).`;
  }
  if (status === 403 && auth.headers['cf-access-client-id']) return `Cloudflare Access refused the service token (403): check the token and that the application's policy has a Service Auth rule for it.`;
  if (status === 401 || status === 403) return `the worker refused ${auth.via} (${status}). Check it matches the worker's SYNC_TOKEN secret.`;
  if (status === 404) {
    return `the back office answered 404, as it does to anyone it does not let in: behind Cloudflare Access it needs a service token (CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET) and the worker's ACCESS_TEAM_DOMAIN and ACCESS_AUD; without Access, the worker needs a SYNC_TOKEN secret equal to yours.`;
  }
  return null;
}
