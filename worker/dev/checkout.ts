// The local Buy link (/dev/checkout?product=…). With a Stripe key (`npm start` runs the local
// Stripe and passes one) it is an alias of the product's Payment Link on that Stripe's hosted
// checkout. Without one (the worker alone, as some tests run it) it is a minimal stand-in: each
// action signs a Stripe-shaped event with the local webhook secret and sends it through the
// real /webhooks/stripe route, then redirects the way Stripe's hosted checkout would.
// Off unless DEV_CHECKOUT=true.
import { Hono, type ExecutionContext } from 'hono';
import { html, raw } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import { findProduct, type Product } from '../../catalog';
import { commaSeparated } from '../platform/config';
import type { Env } from '../platform/env';
import type { AppEnv } from '../http/app-env';
import { hasStripeKey } from '../stripe/client';
import { signPayload } from '../stripe/signature';
import { paymentLinkFor } from './payment-link';
import { checkoutSession, stripeEvent, type SessionInput } from './stripe-objects';
import { CLIENT_REFERENCE_ID } from '../../contract/ids';

export type Deliver = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

const ACTIONS = ['pay', 'pay_later', 'fail', 'cancel'] as const;
type Action = (typeof ACTIONS)[number];

/** Long enough for the success page to show "pending" before the async result lands. */
const ASYNC_PAYMENT_DELAY_MS = 3000;

export function devCheckout(deliver: Deliver) {
  const dev = new Hono<AppEnv>();

  dev.use('*', async (c, next) => {
    if (c.env.DEV_CHECKOUT !== 'true') throw new HTTPException(404, { message: 'not found' });
    await next();
  });

  dev.get('/checkout', async (c) => {
    const product = productParam(c.req.query('product'));
    const reference = c.req.query('client_reference_id') ?? '';
    const email = c.req.query('prefilled_email') ?? '';
    if (hasStripeKey(c.env)) return c.redirect(await paymentLinkFor(c.env, product, reference, email), 303);
    return c.html(page(product, reference, email));
  });

  dev.post('/checkout', async (c) => {
    const form = await c.req.formData();
    const product = productParam(String(form.get('product') ?? ''));
    const action = String(form.get('action') ?? '') as Action;
    if (!ACTIONS.includes(action)) throw new HTTPException(400, { message: `unknown action; expected one of ${ACTIONS.join(', ')}` });
    if (action === 'cancel') return c.redirect(`/cancel?product=${encodeURIComponent(product.id)}`, 303);

    const secret = commaSeparated(c.env.STRIPE_WEBHOOK_SECRET)[0];
    if (!secret) throw new HTTPException(500, { message: 'STRIPE_WEBHOOK_SECRET is not set: copy .dev.vars.example to .dev.vars' });
    const reference = String(form.get('client_reference_id') ?? '');
    const email = String(form.get('email') ?? '');
    const origin = new URL(c.req.url).origin;
    const now = () => Math.floor(c.var.deps.now() / 1000);
    const input: SessionInput = {
      product,
      // Stripe drops an invalid client_reference_id without a word; so does the stand-in.
      clientReferenceId: CLIENT_REFERENCE_ID.test(reference) ? reference : null,
      email: email || null,
      origin,
      createdSeconds: now(),
    };
    const send = async (type: string, object: object) => {
      const payload = JSON.stringify(stripeEvent(type, object, now()), null, 2);
      const request = new Request(`${origin}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': await signPayload(secret, payload, now()) },
        body: payload,
      });
      const response = await deliver(request, c.env, c.executionCtx);
      if (!response.ok) throw new HTTPException(502, { message: `webhook ${type} answered ${response.status}: ${await response.text()}` });
    };

    const paid = action === 'pay';
    const session = checkoutSession(input, { status: 'complete', payment_status: paid ? 'paid' : 'unpaid' });
    await send('checkout.session.completed', session);
    if (!paid) {
      const later = action === 'pay_later' ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed';
      const settled = { ...session, payment_status: action === 'pay_later' ? 'paid' : 'unpaid' };
      c.executionCtx.waitUntil(
        scheduler.wait(ASYNC_PAYMENT_DELAY_MS).then(() => send(later, settled)).catch((error: unknown) => {
          console.error(JSON.stringify({ msg: 'dev checkout: delayed event failed', type: later, error: String(error) }));
        }),
      );
    }
    return c.redirect(session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id), 303);
  });

  return dev;
}

function productParam(id: string | undefined): Product {
  const product = id ? findProduct(id) : undefined;
  if (!product) throw new HTTPException(400, { message: `unknown product ${JSON.stringify(id ?? '')}` });
  return product;
}

/** The page's only style. The shop's CSP allows no inline style but this one, by its hash. */
const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#fff8e1;color:#1f2933}
main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border:3px dashed #b7791f;border-radius:12px}
.banner{background:#b7791f;color:#fff;padding:.5rem 1rem;border-radius:6px;font-weight:700;text-align:center}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}
.actions{display:grid;gap:.75rem;margin-top:1.5rem}
button{font:inherit;padding:.75rem 1rem;border-radius:8px;border:1px solid #52606d;background:#fff;cursor:pointer}
button[value=pay]{background:#1f7a4d;color:#fff;border-color:#1f7a4d}
button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
`;
/** The CSP source of STYLE (app.ts adds it to the page's policy; a test recomputes it from the page). */
export const DEV_CHECKOUT_STYLE_SOURCE = "'sha256-cHq44LuYvWudDtU4KMy+pHGkqGdM3oKMMuwJYzW7Tsw='";

function page(product: Product, reference: string, email: string) {
  const price = new Intl.NumberFormat('en', { style: 'currency', currency: product.price.currency }).format(product.price.amount / 100);
  const referenceNote = CLIENT_REFERENCE_ID.test(reference) ? reference : `${JSON.stringify(reference)} (invalid: Stripe would drop it)`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local test checkout · ${product.name}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
<p class="banner" role="note">Local test checkout — no real payment, development only</p>
<h1>${product.name}</h1>
<dl>
<dt>Amount</dt><dd>${price}</dd>
<dt>Client reference</dt><dd><code>${referenceNote}</code></dd>
<dt>Email</dt><dd>${email || 'shopper@example.com (default)'}</dd>
</dl>
<form method="post" action="/dev/checkout" class="actions">
<input type="hidden" name="product" value="${product.id}">
<input type="hidden" name="client_reference_id" value="${reference}">
<input type="hidden" name="email" value="${email}">
<button type="submit" name="action" value="pay">Pay ${price}</button>
<button type="submit" name="action" value="pay_later">Pay later (bank debit: pending, then succeeds)</button>
<button type="submit" name="action" value="fail">Pay and fail (bank debit: pending, then fails)</button>
<button type="submit" name="action" value="cancel">Cancel and go back</button>
</form>
</main>
</body>
</html>`;
}
