// /library: "Email me my purchases" and the buyer's library (worker/library/). Forms are
// same-origin POSTs; the session cookie is HttpOnly, Secure, SameSite=Lax, and revocable.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { CHECKOUT_SESSION_ID } from '../../contract/ids';
import { LIBRARY_PATH, LIBRARY_SESSION_DAYS } from '../../contract/limits';
import { isValidAddress } from '../email/settings';
import type { AppEnv } from '../http/app-env';
import { handlerContext } from '../http/context';
import { libraryOrders, libraryPortal, openLibraryLink, requestLibraryLink, signedInEmail, signOut } from '../library/library';
import { LIBRARY_STYLE_SOURCE, libraryPage, limitedPage, linkUsedPage, openPage, problemPage, requestedPage, requestPage, signedOutPage } from '../library/pages';
import { Refusal } from '../platform/refusal';
import { pageSecurityHeaders } from './page-headers';
import { sameOriginForm } from './same-origin';

const COOKIE = 'library_session';

export const library = new Hono<AppEnv>();

// Manage subscription's form is answered with a redirect to Stripe's portal: form-action covers the redirect too.
library.use('*', pageSecurityHeaders({ styleSrc: [LIBRARY_STYLE_SOURCE], formAction: ['https://billing.stripe.com'] }));
library.use('*', async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});
library.post('*', bodyLimit({ maxSize: 2048, onError: (c) => c.text('A form over 2 KiB is refused.', 413) }));
library.post('*', sameOriginForm('a library form must be posted from this shop'));

const html = (c: Context<AppEnv>, body: string, status: 200 | 400 | 401 | 404 | 410 | 429 | 502 | 503 = 200) => c.html(body, status);

library.get('/', async (c) => {
  const context = handlerContext(c);
  const email = await signedInEmail(context, getCookie(c, COOKIE));
  if (!email) return html(c, requestPage());
  return html(c, libraryPage(email, await libraryOrders(context, email)));
});

// The same status, body and headers for every well-formed address: whether it bought anything
// is decided later, in the email step.
library.post('/', async (c) => {
  const form = await c.req.parseBody();
  const email = typeof form.email === 'string' ? form.email.trim() : '';
  if (!isValidAddress(email)) return html(c, requestPage('That is not an email address.'), 400);
  const client = c.req.header('cf-connecting-ip') ?? 'unknown';
  const { limited } = await requestLibraryLink(handlerContext(c), email, client);
  return limited ? html(c, limitedPage(), 429) : html(c, requestedPage());
});

library.get('/open', (c) => {
  const token = c.req.query('token') ?? '';
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return html(c, linkUsedPage(), 410);
  return html(c, openPage(token));
});

library.post('/open', async (c) => {
  const form = await c.req.parseBody();
  const token = typeof form.token === 'string' ? form.token : '';
  const opened = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await openLibraryLink(handlerContext(c), token) : null;
  if (!opened) return html(c, linkUsedPage(), 410);
  setCookie(c, COOKIE, opened.sessionId, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/library', maxAge: LIBRARY_SESSION_DAYS * 86_400 });
  return c.redirect('/library', 303);
});

library.post('/sign-out', async (c) => {
  await signOut(handlerContext(c), getCookie(c, COOKIE));
  deleteCookie(c, COOKIE, { path: '/library', secure: true });
  return c.redirect('/library', 303);
});

// Manage subscription, from a signed-in library only: the order must be one of its address's.
library.post('/portal', async (c) => {
  const context = handlerContext(c);
  const email = await signedInEmail(context, getCookie(c, COOKIE));
  if (!email) return html(c, signedOutPage(), 401);
  const form = await c.req.parseBody();
  const orderId = typeof form.order === 'string' ? form.order : '';
  if (!CHECKOUT_SESSION_ID.test(orderId)) return html(c, problemPage('That is not an order of this shop.'), 400);
  try {
    const portal = await libraryPortal(context, email, orderId, new URL(LIBRARY_PATH, c.req.url).href);
    if (!portal) return html(c, problemPage('No subscription of this address has that order.'), 404);
    return c.redirect(portal.url, 303);
  } catch (error) {
    if (!(error instanceof Refusal) || (error.status !== 502 && error.status !== 503)) throw error;
    console.warn(JSON.stringify({ msg: 'library portal not opened', reason: error.message }));
    return html(c, problemPage(`The subscription portal could not be opened: ${error.message}. Please try again.`), error.status);
  }
});
