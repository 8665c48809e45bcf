import { csrf } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';

/**
 * Refuses a form POST that does not come from this origin's own pages: 403 with `reason`.
 * Another site's page can submit a form here without a preflight; Hono's csrf() tells them
 * apart by Sec-Fetch-Site, else Origin (a request with neither is refused too).
 */
export function sameOriginForm(reason: string) {
  const check = csrf();
  return createMiddleware(async (c, next) => {
    try {
      await check(c, async () => {});
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) {
        const sent = `Origin ${c.req.header('origin') ?? 'none'}, Sec-Fetch-Site ${c.req.header('sec-fetch-site') ?? 'none'}`;
        throw new HTTPException(403, { message: `${reason}; this POST came with ${sent}` });
      }
      throw error;
    }
    await next();
  });
}
