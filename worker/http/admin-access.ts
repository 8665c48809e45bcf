import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import { accessSetting, verifyAccessJwt } from '../admin/access';
import type { AppEnv } from './app-env';

/** The back office's requests know who is acting: logged with every action. */
export interface AdminEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { actor: string };
}

const BEARER_REFUSED = { error: 'missing or wrong bearer token (SYNC_TOKEN)' };

/** The same answer as any unknown route: a stranger cannot tell the back office exists. */
function absent(c: Context): HTTPException {
  return new HTTPException(404, { message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` });
}

/**
 * Who may use the back office. With Cloudflare Access configured (ACCESS_TEAM_DOMAIN and
 * ACCESS_AUD), only a request carrying a valid Access JWT; otherwise, with a SYNC_TOKEN,
 * its bearer (hono/bearer-auth, compared in constant time); otherwise nobody. Every
 * refusal of an Access request, and every request when neither is configured, is a 404.
 */
export function adminAccess(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const access = accessSetting(c.env);
    if (access.configured === 'partly') {
      console.error(JSON.stringify({ msg: 'back office refused: Access is half configured', problem: access.problem }));
      throw absent(c);
    }
    if (access.configured) {
      const token = c.req.header('cf-access-jwt-assertion');
      const verdict = token ? await verifyAccessJwt(token, access.config) : { ok: false as const, reason: 'no Cf-Access-Jwt-Assertion header' };
      if (!verdict.ok) {
        console.warn(JSON.stringify({ msg: 'back office refused: Access JWT', reason: verdict.reason }));
        throw absent(c);
      }
      c.set('actor', verdict.identity);
      return next();
    }
    const syncToken = c.env.SYNC_TOKEN?.trim();
    if (!syncToken) throw absent(c);
    c.set('actor', 'SYNC_TOKEN');
    return bearerAuth<AdminEnv>({
      token: syncToken,
      noAuthenticationHeader: { message: BEARER_REFUSED },
      invalidAuthenticationHeader: { message: BEARER_REFUSED },
      invalidToken: { message: BEARER_REFUSED },
    })(c, next);
  };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * State-changing admin calls must come from the shop's own origin. Access's cookie is
 * ambient: a page elsewhere could make the seller's browser send it. hono/csrf checks only
 * form and text bodies (requireJson already answers those 415), so this checks every
 * method that changes something: a browser's Origin must be this origin, and a
 * Sec-Fetch-Site other than same-origin is refused. A script (the CLI) sends neither.
 */
export function sameOriginOnly(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    if (STATE_CHANGING.has(c.req.method)) {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      const own = new URL(c.req.url).origin;
      if ((origin !== undefined && origin !== own) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
        throw new HTTPException(403, { message: `cross-site request refused (Origin ${origin ?? 'none'}, Sec-Fetch-Site ${site ?? 'none'})` });
      }
    }
    await next();
  };
}
