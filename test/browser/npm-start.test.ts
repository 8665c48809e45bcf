// `npm start` with nothing but its defaults (a fresh copy of the project: no .dev.vars, no
// Stripe account), on free ports: the whole shop offline on the local Stripe. A buyer checks
// out a cart of two products and the subscription on the local Stripe's hosted page; the
// seller refunds that payment and archives a product in the local Stripe's dashboard; the shop
// follows. Its local D1 holds what a crash left: a delivery committed whose queue message died
// with the runtime; npm start carries it out. Then one Ctrl-C stops it all.
import { beforeAll, describe, expect, test } from 'vitest';
import { parseResponse } from 'hono/client';
import { CHECKOUT_SESSION_ID } from '../../contract/ids';
import { screenshot, useBrowser } from './support/browser';
import { pollUntil } from './support/live-shop';
import { answers, useNpmStart } from './support/npm-start';

/** A paid (physical) order whose delivery was committed, and whose queue message was lost when the runtime died. */
const CRASHED_ORDER = `cs_test_crashedBeforeDelivery${Date.now()}`;

/**
 * What a worker killed between its commit and its delivery leaves in D1: the fulfilled order and
 * its outbox row, pending. The queue message died with the runtime (wrangler dev keeps none).
 */
function crashedBeforeDelivery(wrangler: (...args: string[]) => void): void {
  const now = Date.now();
  wrangler('d1', 'migrations', 'apply', 'DB', '--local');
  wrangler(
    'd1', 'execute', 'DB', '--local', '--command',
    `INSERT INTO orders (id, status, product_id, amount_total, currency, mode, livemode, fulfilled_at, created_at, updated_at)
       VALUES ('${CRASHED_ORDER}', 'fulfilled', 'enamel-mug', 1800, 'usd', 'payment', 0, ${now}, ${now}, ${now});
     INSERT INTO outbox (subject, kind, created_at, next_attempt_at) VALUES ('${CRASHED_ORDER}', 'delivered', ${now}, ${now});`,
  );
}

const shop = useNpmStart({ name: 'defaults', before: crashedBeforeDelivery });
const { log, api, admin, backOffice } = shop;
let shopUrl = '';
let stripeUrl = '';
const browser = useBrowser({ baseUrl: () => shop.shopUrl() });

describe('npm start, with its defaults', () => {
  beforeAll(() => {
    shopUrl = shop.shopUrl();
    stripeUrl = shop.stripeUrl();
  });

  test('prints where the shop, the local Stripe and the back office are, and seeded the catalog with a subscription into the live catalog', async () => {
    expect(log()).toContain(`The shop:            ${shopUrl}`);
    expect(log()).toContain(`The local Stripe:    ${stripeUrl}`);
    expect(log()).toContain(`The back office:     ${shopUrl}/admin/   (its token: local_back_office_only_not_a_secret)`);
    const catalog = await parseResponse(api().catalog.$get());
    expect(catalog.checkout).toBe(true);
    expect(catalog.products.map((p) => p.catalogId).sort()).toEqual(['enamel-mug', 'field-notes', 'field-notes-club', 'trail-map-print']);
    expect(catalog.products.find((p) => p.catalogId === 'field-notes-club')?.prices).toMatchObject([{ type: 'recurring', interval: 'month', unitAmount: 500 }]);
  });

  test('prints one line per step: no migration table, no bindings table, no cron note, no request log', () => {
    expect(log()).toContain('▸ D1: the local database is up to date');
    expect(log()).toContain('▸ R2: the sample files in the local bucket');
    for (const noise of ['┌', 'Migrations to be applied', 'Your Worker has access to the following bindings', 'env.DB', 'Scheduled Workers are not automatically triggered', 'Ready on', '[wrangler:info] GET', 'vite v']) {
      expect(log()).not.toContain(noise);
    }
  });

  test('built the site for the port it serves: canonical links, Open Graph and the sitemap name it, not 8787', async () => {
    const home = await (await fetch(`${shopUrl}/`)).text();
    expect(home).toContain(`<link rel="canonical" href="${shopUrl}/" />`);
    expect(home).toContain(`<meta property="og:url" content="${shopUrl}/" />`);
    const sitemap = await (await fetch(`${shopUrl}/sitemap.xml`)).text();
    expect(sitemap).toContain(`<loc>${shopUrl}/products/`);
    expect(`${home}${sitemap}`).not.toContain('127.0.0.1:8787');
  });

  test("Buy of a product without a Payment Link: the worker's checkout sends the buyer to the local Stripe's hosted checkout; paid, the order is fulfilled", async () => {
    const { page } = await browser.newPage();
    await page.goto('/products/field-notes');
    await Promise.all([page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/pay/')), page.click('[data-buy="field-notes"]')]);
    expect(await page.textContent('table')).toContain('Field Notes Pattern Pack');
    await Promise.all([page.waitForURL((url) => url.origin === shopUrl && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
  });

  test('a cart of two products and the subscription: paid on the local Stripe, fulfilled, entitled; refunded in its dashboard: refunded, the download gone', async () => {
    const { page } = await browser.newPage();
    await page.goto('/');
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    for (const id of ['field-notes', 'trail-map-print', 'field-notes-club']) await page.click(`[data-add-to-cart="${id}"]`);
    await Promise.all([page.waitForURL((url) => url.pathname === '/cart'), page.click('a#cart-link')]);
    await page.waitForSelector('button#checkout:enabled');
    await Promise.all([page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/pay/')), page.click('button#checkout')]);
    const sessionId = new URL(page.url()).pathname.split('/').pop()!;
    expect(sessionId).toMatch(CHECKOUT_SESSION_ID);
    expect(await page.textContent('body')).toContain('Mode: subscription');
    expect(await page.textContent('[data-testid="total"]')).toBe('$41.00');

    await Promise.all([page.waitForURL((url) => url.origin === shopUrl && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    await screenshot(page, 'npm-start-success');
    const download = await page.getAttribute('a[data-download]', 'href');
    expect(download).toBeTruthy();
    expect((await fetch(new URL(download!, shopUrl))).status).toBe(200);

    const buyer = await page.evaluate(() => ({ id: localStorage.getItem('storefront.clientReferenceId')!, secret: localStorage.getItem('storefront.buyerSecret')! }));
    const entitlements = await pollUntil(
      'the subscription in the buyer’s entitlements',
      () => parseResponse(api({ 'x-buyer-secret': buyer.secret }).entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: buyer.id } })),
      // Listed at once (served while Stripe's subscription events are on their way, status null), then active.
      (e) => e.subscriptions.some((subscription) => subscription.status === 'active'),
    );
    expect(entitlements.subscriptions).toMatchObject([{ status: 'active', products: [{ name: 'Field Notes Club' }] }]);

    // The seller refunds the payment in the local Stripe's dashboard.
    await page.goto(stripeUrl);
    const row = page.locator(`tr[data-session="${sessionId}"]`);
    expect(await row.locator('td').nth(1).textContent()).toBe('$41.00');
    await Promise.all([page.waitForURL((url) => url.searchParams.has('done')), row.locator('button[name=full]').click()]);
    expect(await row.locator('[data-state]').textContent()).toContain('refunded');
    await screenshot(page, 'npm-start-dashboard-refunded');
    const order = await pollUntil('the order to be refunded', () => parseResponse(api().orders[':sessionId'].$get({ param: { sessionId } })), (o) => o.status === 'refunded');
    expect(order.status).toBe('refunded');
    expect((await fetch(new URL(download!, shopUrl))).status).toBe(410);
  });

  test('a product archived in the dashboard leaves the storefront', async () => {
    const { page } = await browser.newPage();
    await page.goto(stripeUrl);
    await Promise.all([page.waitForURL((url) => url.searchParams.has('done')), page.locator('tr[data-catalog-id="enamel-mug"] button', { hasText: 'Archive' }).click()]);
    await pollUntil('the archived mug to leave /api/catalog', () => parseResponse(api().catalog.$get()), (c) => !c.products.some((p) => p.catalogId === 'enamel-mug'));
    await page.goto(`${shopUrl}/`);
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    expect(await page.locator('#product-grid [data-product-id="enamel-mug"]').count()).toBe(0);
    expect(await page.locator('#product-grid [data-product-id="field-notes"]').count()).toBe(1);
  });

  test(
    'a delivery committed before the crash, its queue message lost, is carried out once npm start runs (the outbox sweep, no Cron Trigger)',
    async () => {
      // The sweep takes rows overdue by its grace (60 s), on start and every 30 s.
      const detail = await pollUntil(
        'the crashed order’s delivery to be done',
        () => parseResponse(admin().orders[':id'].$get({ param: { id: CRASHED_ORDER } })),
        (d) => d.outbox.some((o) => o.kind === 'delivered' && o.status === 'done'),
        150_000,
      );
      expect(detail.outbox).toMatchObject([{ kind: 'delivered', status: 'done', attempts: 1 }]);
      expect(log()).toContain('▸ outbox: 1 side effect (deliveries, revocations, catalog rebuilds) left pending by an earlier run sent again');
      expect(log()).toContain(`{"msg":"order delivered","order":"${CRASHED_ORDER}"`);
    },
    180_000,
  );

  test('one Ctrl-C stops the worker and the local Stripe', async () => {
    expect(await answers(shopUrl)).toBe(true);
    expect(await answers(stripeUrl)).toBe(true);
    const exited = new Promise<number | null>((resolve) => shop.child().once('exit', (code) => resolve(code)));
    process.kill(-shop.child().pid!, 'SIGINT');
    expect(await exited).toBe(0);
    await pollUntil('both servers to stop answering', async () => [await answers(shopUrl), await answers(stripeUrl)], (up) => !up[0] && !up[1]);
  });
});
