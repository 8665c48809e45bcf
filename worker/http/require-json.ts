import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';

/** Methods that change nothing: no body to check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a request with a body unless it is declared `application/json` (415), and one
 * whose body does not parse (400). A page on another site can POST text/plain or a form
 * without a CORS preflight, but not JSON: this makes the browser ask first, and
 * `ALLOWED_ORIGINS` decides. The parsed body is cached for the validator that follows.
 */
export function requireJson() {
  return createMiddleware(async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const contentType = c.req.header('content-type');
      const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
      if (mediaType !== 'application/json') {
        throw new HTTPException(415, {
          message: `Content-Type must be application/json, not ${contentType ?? 'none'}`,
          res: new Response(null, { headers: { 'Accept-Post': 'application/json' } }),
        });
      }
      try {
        await c.req.json();
      } catch {
        throw new HTTPException(400, { message: 'body is not valid JSON' });
      }
    }
    await next();
  });
}
