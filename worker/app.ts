import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { commaSeparated } from './platform/config';
import type { AppEnv, Dependencies } from './http/app-env';
import { RecentEvents } from './platform/recent-events';
import { Refusal } from './platform/refusal';
import { deliver, fulfil, revoke } from './seller-hooks';
import { api } from './routes/api';
import { adminRoutes } from './routes/admin';
import { downloads } from './routes/downloads';
import { library } from './routes/library';
import { pageSecurityHeaders } from './routes/page-headers';
import { pages } from './routes/pages';
import { success } from './routes/success';
import { webhooks } from './routes/webhooks';

export function defaultDependencies(overrides: Partial<Dependencies> = {}): Dependencies {
  return { fulfil, deliver, revoke, now: Date.now, recentEvents: new RecentEvents(), ...overrides };
}

export function createApp(overrides: Partial<Dependencies> = {}) {
  const deps = defaultDependencies(overrides);
  const app = new Hono<AppEnv>();

  // Pages send the static pages' security headers (routes/page-headers.ts) and keep what the
  // static assets sent; they are routed ahead of the API's secureHeaders, whose values are
  // the API's. Those never replace a header a response has (a page's under /downloads).
  app.route('/', pages);
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false, overwrite: false }));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  // The order page needs the seller's hooks (it may fulfil, as the order API does); its own
  // page headers are set inside, so the API's above keep out of them.
  app.route('/', success);
  app.use(
    '/api/*',
    cors({
      origin: (origin, c: Context<AppEnv>) => (commaSeparated(c.env.ALLOWED_ORIGINS).includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST'],
      maxAge: 600,
    }),
  );
  app.use('/api/*', async (c, next) => {
    await next();
    // Order and admin data is per-buyer or private and changes while the success page polls;
    // the catalog is public and sets its own caching.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  // Chained (the same app): its type, `AppType`, carries the JSON routes for typed clients (tests).
  const routed = app.route('/webhooks', webhooks).route('/api', api).route('/downloads', downloads).route('/library', library).route('/api/admin', adminRoutes);

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError((thrown, c) => {
    // The domain's refusals and HTTP's own (Hono's middleware, the routes) answer alike.
    const error = thrown instanceof Refusal ? new HTTPException(thrown.status, { message: thrown.message, res: new Response(null, { headers: thrown.headers }) }) : thrown;
    if (error instanceof HTTPException) {
      // Hono's own middleware (bearer-auth) sends its answer as a response, without a message.
      if (!error.message && error.res) return error.getResponse();
      const log = error.status >= 500 ? console.error : console.warn;
      log(JSON.stringify({ msg: 'request rejected', path: new URL(c.req.url).pathname, status: error.status, reason: error.message }));
      const response = c.json({ error: error.message }, error.status);
      error.res?.headers.forEach((value, name) => response.headers.set(name, value));
      return response;
    }
    console.error(JSON.stringify({ msg: 'unhandled error', path: new URL(c.req.url).pathname, error: String(error), stack: (error as Error).stack }));
    return c.json({ error: 'internal error' }, 500);
  });

  return routed;
}

/** The whole app's routes: what `hc<AppType>` (the worker tests' client) can call. */
export type AppType = ReturnType<typeof createApp>;
