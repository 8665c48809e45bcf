// /success rendered by the worker from the order it knows (the same decision as GET
// /api/orders/:id), so the page works without JavaScript; an unknown or malformed id is a 404 page at once.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { findProduct } from '../../../catalog';
import type { OrderResponse } from '../../../contract/api';
import type { Env } from '../../../worker/platform/env';
import { successPageView } from '../../../worker/storefront/success-page';
import { builtAssets } from '../support/assets';
import { bodyOf, testApp, testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { decodeEntities } from '../support/html';
import { checkoutSession, delivery, event } from '../support/stripe';

const pageEnv = (overrides: Partial<Env> = {}) => testEnv({ ASSETS: builtAssets(), ...overrides });
const successPage = (app: ReturnType<typeof testApp>, query: string, environment: Env = pageEnv()) =>
  app.send(new Request(`https://shop.example/success${query}`, { headers: { accept: 'text/html' } }), environment);

/** What the rendered page says: its status region, links and whether it reloads itself. */
async function readSuccessPage(response: Response) {
  const html = await response.text();
  const head = html.slice(0, html.indexOf('</head>'));
  const region = /<section id="order-status"[^>]*data-status="([^"]*)"[^>]*>([\s\S]*?)<\/section>\s*<\/div>/.exec(html);
  return {
    html,
    status: region?.[1] ?? null,
    text: decodeEntities((region?.[2] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')).trim(),
    downloads: [...html.matchAll(/<a [^>]*href="([^"]*)"[^>]*data-download="([^"]*)"/g)].map((match) => ({ href: decodeEntities(match[1]!), filename: decodeEntities(match[2]!) })),
    licenceKey: /data-licence-key="field-notes">([^<]*)</.exec(html)?.[1] ?? null,
    deliveryToken: /<code id="delivery-token">([^<]*)</.exec(html)?.[1] ?? null,
    refresh: /<noscript><meta http-equiv="refresh" content="5"><\/noscript>/.test(head),
    noscriptNotice: html.includes('noscript-notice'),
  };
}

async function fulfilledFieldNotes(app: ReturnType<typeof testApp>) {
  const { key } = findProduct('field-notes')!.files![0]!;
  await env.FILES!.put(key, new TextEncoder().encode('%PDF-1.4 the pattern pack'));
  const session = checkoutSession();
  expect((await app.send(await delivery(event('checkout.session.completed', session)))).status).toBe(200);
  return session;
}

describe('GET /success (rendered by the worker)', () => {
  it('a fulfilled order shows its product, total, download link, licence key and download code, without a refresh', async () => {
    const app = testApp();
    const session = await fulfilledFieldNotes(app);

    const response = await successPage(app, `?session_id=${session.id}`);
    expect(response.status).toBe(200);
    const page = await readSuccessPage(response);
    expect(page.status).toBe('fulfilled');
    expect(page.text).toContain('Paid and fulfilled — thank you!');
    expect(page.text).toContain('Field Notes Pattern Pack');
    expect(page.text).toContain('$12.00');
    expect(page.text).toContain(session.id);
    expect(page.downloads).toEqual([{ href: expect.stringMatching(/^\/downloads\//), filename: 'field-notes-pattern-pack.pdf' }]);
    expect(page.licenceKey).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    expect(page.deliveryToken).toBe(app.tokens[0]);
    expect(page.refresh).toBe(false);
    // Rendered here, it needs no script: the static page's "cannot check without JavaScript" is gone.
    expect(page.noscriptNotice).toBe(false);
  });

  it('shows what the order API says: the same licence key and download code', async () => {
    const app = testApp();
    const session = await fulfilledFieldNotes(app);
    const page = await readSuccessPage(await successPage(app, `?session_id=${session.id}`));
    const order = await bodyOf(app.client().api.orders[':sessionId'].$get({ param: { sessionId: session.id } }));
    expect(page.licenceKey).toBe(order.licenceKeys[0]!.key);
    expect(page.deliveryToken).toBe(order.deliveryToken);
  });

  it("the page's download link serves the file", async () => {
    const app = testApp();
    const session = await fulfilledFieldNotes(app);
    const [download] = (await readSuccessPage(await successPage(app, `?session_id=${session.id}`))).downloads;
    const file = await app.send(new Request(`https://shop.example${download!.href}`), pageEnv());
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('%PDF-1.4 the pattern pack');
  });

  it('a pending order says so and reloads itself every 5 s (inside <noscript>: with JavaScript the script polls)', async () => {
    const app = testApp();
    const session = checkoutSession({ payment_status: 'unpaid' });
    await app.send(await delivery(event('checkout.session.completed', session)));
    const response = await successPage(app, `?session_id=${session.id}`);
    expect(response.status).toBe(200);
    const page = await readSuccessPage(response);
    expect(page.status).toBe('pending');
    expect(page.text).toContain('Payment processing');
    expect(page.refresh).toBe(true);
    expect(page.downloads).toEqual([]);
  });

  it('an id of the other Stripe mode is a 404 page at once, saying the order was not found, without a refresh or a query', async () => {
    const app = testApp();
    const { db, counts } = countingDb(env.DB);
    const response = await successPage(app, '?session_id=cs_live_a1NotThisShopsMode', pageEnv({ DB: db }));
    expect(response.status).toBe(404);
    const page = await readSuccessPage(response);
    expect(page.status).toBe('not-found');
    expect(page.text).toContain('We could not find this order.');
    expect(page.refresh).toBe(false);
    expect(counts.roundTrips).toBe(0);
  });

  it('an unknown id in a shop without a Stripe key is a 404 page that checks again (the webhook may still come)', async () => {
    const app = testApp();
    const response = await successPage(app, '?session_id=cs_test_a1NotRecordedYet');
    expect(response.status).toBe(404);
    const page = await readSuccessPage(response);
    expect(page.status).toBe('waiting');
    expect(page.text).toContain('has not heard from Stripe about this payment yet');
    expect(page.refresh).toBe(true);
  });

  it.each(['', '?session_id=', '?session_id=pi_123', "?session_id=cs_test_1'%20OR%201=1", '?session_id=cs_test_a%2Fb', '?session_id=%3Cscript%3E'])(
    '%j is a 404 page saying the reference is not an order, without a query',
    async (query) => {
      const app = testApp();
      const { db, counts } = countingDb(env.DB);
      const response = await successPage(app, query, pageEnv({ DB: db }));
      expect(response.status).toBe(404);
      const page = await readSuccessPage(response);
      expect(page.status).toBe('unknown-reference');
      expect(page.text).toContain('We could not find your order reference.');
      expect(page.html).not.toContain('<script>');
      expect(counts.roundTrips).toBe(0);
    },
  );

  it('sends the pages’ security headers, no-store, and no-referrer (the URL is the order’s capability)', async () => {
    const app = testApp();
    const session = await fulfilledFieldNotes(app);
    for (const query of [`?session_id=${session.id}`, '?session_id=cs_test_a1Unknown', '?session_id=nope']) {
      const response = await successPage(app, query);
      expect(response.headers.get('content-type'), query).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control'), query).toBe('no-store');
      expect(response.headers.get('referrer-policy'), query).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), query).toContain("frame-ancestors 'none'");
      expect(response.headers.get('content-security-policy'), query).toContain("script-src 'self'");
      expect(response.headers.get('x-frame-options'), query).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), query).toBe('nosniff');
    }
  });
});

describe('successPageView', () => {
  const order = (overrides: Partial<OrderResponse>): OrderResponse => ({
    id: 'cs_test_a1', status: 'fulfilled', clientReferenceId: null, amountTotal: 1200, amountDiscount: null, currency: 'usd',
    product: { id: 'field-notes', name: 'Field Notes Pattern Pack' }, subscription: false, fulfilledAt: null, deliveryToken: null,
    livemode: false, createdAt: '', updatedAt: '', lineItems: [], downloads: [], licenceKeys: [], subscriptionAccess: null, shipment: null, ...overrides,
  });
  const ATTACK = '</p><script>alert(1)</script><img src=x onerror=alert(1)>';

  it('escapes every value it writes: a name, a key, a file name and a reason cannot add markup', () => {
    const view = successPageView({
      kind: 'order',
      order: order({
        product: { id: ATTACK, name: ATTACK },
        deliveryToken: ATTACK,
        downloads: [{ product: { id: 'x', name: ATTACK }, name: ATTACK, filename: ATTACK, size: 1, contentType: 'text/plain', url: `/downloads/${ATTACK}`, expiresAt: '', limit: 1, used: 0, update: { version: 2, note: ATTACK, publishedAt: '2026-12-06T00:00:00.000Z' } }],
        licenceKeys: [{ product: { id: ATTACK, name: ATTACK }, key: ATTACK }],
        subscriptionAccess: { status: 'canceled', allowed: false, reason: ATTACK, graceEndsAt: null },
      }),
    });
    expect(view.html).not.toMatch(/<script|<img/);
    expect(view.html).toContain('&#60;script&#62;');
  });

  it('a shipment: the carrier and tracking number are escaped, and only an https tracking link is a link', () => {
    const shipped = (trackingUrl: string) =>
      successPageView({ kind: 'order', order: order({ status: 'shipped', shipment: { amount: 500, carrier: ATTACK, trackingNumber: ATTACK, trackingUrl, shippedAt: '2026-01-05T00:00:00.000Z' } }) }).html;
    expect(shipped('javascript:alert(1)')).not.toMatch(/<script|<img|javascript:|<a id="tracking-link"/);
    expect(shipped('javascript:alert(1)')).toContain('Shipped — your order is on its way');
    expect(shipped('https://www.ups.com/track?tracknum=1')).toContain('<a id="tracking-link" href="https://www.ups.com/track?tracknum=1"');
  });

  it('links only to the worker’s own /downloads/', () => {
    const view = successPageView({
      kind: 'order',
      order: order({ downloads: [{ product: { id: 'x', name: 'X' }, name: 'X', filename: 'x.pdf', size: 1, contentType: 'application/pdf', url: 'https://evil.example/x.pdf', expiresAt: '', limit: 1, used: 0, update: null }] }),
    });
    expect(view.html).not.toContain('evil.example');
  });

  it('reloads only while the order can still change, or the shop awaits its webhook, or could not check', () => {
    const refreshes = (state: Parameters<typeof successPageView>[0]) => successPageView(state).refresh;
    expect(['pending', 'paid'].map((status) => refreshes({ kind: 'order', order: order({ status: status as OrderResponse['status'] }) }))).toEqual([true, true]);
    expect(['fulfilled', 'payment_failed', 'expired', 'refunded', 'disputed', 'review'].map((status) => refreshes({ kind: 'order', order: order({ status: status as OrderResponse['status'] }) }))).toEqual(Array(6).fill(false));
    expect(refreshes({ kind: 'not-found', awaitingWebhook: false })).toBe(false);
    expect(refreshes({ kind: 'not-found', awaitingWebhook: true })).toBe(true);
    expect(refreshes({ kind: 'unknown-reference' })).toBe(false);
    expect(refreshes({ kind: 'unavailable' })).toBe(true);
  });
});
