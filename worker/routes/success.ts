// /success?session_id=cs_…: where Stripe sends the buyer after paying. The worker renders it from
// the same decision as GET /api/orders/:sessionId (orders/buyer-order.ts), so it works without
// JavaScript, and an unknown or malformed id is a 404 page at once. The site's script takes over from it.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CHECKOUT_SESSION_ID } from '../../contract/ids';
import type { AppEnv } from '../http/app-env';
import { handlerContext } from '../http/context';
import { buyerOrder } from '../orders/buyer-order';
import { Refusal } from '../platform/refusal';
import { renderSuccessPage, type SuccessPageState } from '../storefront/success-page';
import { pageSecurityHeaders } from './page-headers';

export const success = new Hono<AppEnv>();

success.use('/success', pageSecurityHeaders());

success.get('/success', async (c) => {
  const sessionId = c.req.query('session_id') ?? '';
  let state: SuccessPageState;
  if (!CHECKOUT_SESSION_ID.test(sessionId)) state = { kind: 'unknown-reference' };
  else {
    try {
      const found = await buyerOrder(sessionId, c.req.header('cf-connecting-ip') ?? 'unknown', handlerContext(c));
      state = 'order' in found ? { kind: 'order', order: found.order } : { kind: 'not-found', ...found.notFound };
    } catch (error) {
      // Too many lookups, or Stripe or D1 failing: a page that tries again, not a line of JSON.
      const reason = error instanceof Refusal ? error.message : String(error);
      (error instanceof Refusal ? console.warn : console.error)(JSON.stringify({ msg: 'order page not rendered', path: '/success', reason }));
      state = { kind: 'unavailable' };
    }
  }
  if (!c.env.ASSETS) throw new HTTPException(500, { message: 'the ASSETS binding (the built site) is missing' });
  const built = await c.env.ASSETS.fetch(new URL('/success', c.req.url));
  if (!built.ok) throw new HTTPException(500, { message: `the built site has no /success (${built.status})` });
  const page = renderSuccessPage(await built.text(), state);
  const response = new Response(page.body, page);
  // Per buyer, changing while the order settles; and its URL is the order's capability.
  response.headers.set('cache-control', 'no-store');
  response.headers.set('referrer-policy', 'no-referrer');
  if (state.kind === 'unavailable') response.headers.set('retry-after', String(60));
  return response;
});
