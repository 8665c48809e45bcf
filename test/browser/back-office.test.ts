// The seller's back office in a real browser, against a worker whose Stripe is the fake Stripe
// API: a buyer pays through the hosted checkout, the seller signs in with SYNC_TOKEN, finds the
// order, refunds it and watches it become refunded when Stripe's charge.refunded webhook
// arrives — and the download link the buyer had stops working. Then a checkout event whose
// handling failed (Stripe's API was rate-limiting) is retried from the ledger and processed.
//
// The tests share the shop and run in order; the last one leaves a failed delivery in the
// fake's log on purpose, so no test after it may call shop.settle().
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { screenshot, useBrowser } from './support/browser';
import { SYNC_TEST_TOKEN, useLiveShop } from './support/live-shop';
import { signIn } from './support/back-office';

// The local Stripe retries a failed delivery within seconds; Stripe's next retry comes much later,
// and the seller's Retry now is what is tested here, so this shop's local Stripe does not retry.
const shop = useLiveShop({ logName: 'back-office-worker.log', stripe: { webhookRetryDelaysMs: [] } });
const browser = useBrowser({ baseUrl: () => shop.baseUrl });

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

/** Console errors other than the 401 that makes the page ask for the token (Chromium logs every failed load). */
const unexpected = (errors: string[]) => errors.filter((error) => !/\/api\/admin\/.*status of 401 \(Unauthorized\)$/.test(error));


describe('the order page in a shop with a Stripe key', () => {
  test('with JavaScript, a mistyped session id says the order was not found at once: one 404 from the worker, no ten-minute spinner', async () => {
    const { page } = await browser.newPage();
    const sessionId = 'cs_test_a1MistypedByTheBuyer';
    const asked: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith(`/api/orders/${sessionId}`)) asked.push(response.status());
    });
    const response = await page.goto(`/success?session_id=${sessionId}`);
    expect(response?.status()).toBe(404);
    // The worker rendered "not found" (it asked Stripe), and the script, seeing it, does not poll.
    expect(await page.getAttribute('#order-status', 'data-status')).toBe('not-found');
    expect(await text(page, '#order-status')).toContain('We could not find this order.');
    expect(await page.locator('.status-icon--progress').count()).toBe(0);
    await page.waitForSelector('#order-status[data-polling="off"]');
    expect(asked).toEqual([]);
  });

  test('with JavaScript on a page that began polling, the first final 404 ends it: not found, polling done', async () => {
    const { page } = await browser.newPage();
    const sessionId = 'cs_test_a1MistypedToo';
    // As a site on Pages serves it (the static page, "Confirming…"): the script alone asks the worker.
    await page.route('**/success?*', async (route) => {
      const response = await route.fetch();
      const waiting = (await response.text()).replace('data-status="not-found"', 'data-status="waiting"');
      await route.fulfill({ response, status: 200, body: waiting });
    });
    const answered = page.waitForResponse((response) => response.url().endsWith(`/api/orders/${sessionId}`));
    await page.goto(`/success?session_id=${sessionId}`);
    expect((await answered).status()).toBe(404);
    await page.waitForSelector('#order-status[data-status="not-found"][data-polling="done"]');
    expect(await text(page, '#order-status')).toContain('We could not find this order.');
  });
});

describe('refund from the back office', () => {
  test('sign in, find the order by its session id, refund it: refunded once Stripe’s webhook arrives, and the buyer’s download link stops working', async () => {
    // The buyer: the pattern pack through the cart and the hosted checkout.
    const { page: buyerPage } = await browser.newPage();
    await buyerPage.goto('/');
    await buyerPage.waitForSelector('#product-grid[data-catalog="live"]');
    await buyerPage.click('[data-add-to-cart="field-notes"]');
    await Promise.all([buyerPage.waitForURL((url) => url.pathname === '/cart'), buyerPage.click('a#cart-link')]);
    const fakeOrigin = new URL(shop.fake.url).origin;
    await Promise.all([buyerPage.waitForURL((url) => url.origin === fakeOrigin && url.pathname.startsWith('/pay/')), buyerPage.click('button#checkout:enabled')]);
    const sessionId = new URL(buyerPage.url()).pathname.split('/').pop() as string;
    await Promise.all([buyerPage.waitForURL((url) => url.pathname === '/success'), buyerPage.click('button[name=action][value=pay]')]);
    await buyerPage.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    const orderPage = buyerPage.url();
    const link = new URL((await buyerPage.getAttribute('a[data-download]', 'href'))!, shop.baseUrl).href;
    expect(new URL(link).pathname).toMatch(/^\/downloads\/dl_/);
    const before = await fetch(link, { method: 'HEAD' });
    expect(before.status).toBe(200);

    // The seller: signs in, searches, opens the order.
    const { page, errors } = await browser.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await signIn(page, '/admin/', SYNC_TEST_TOKEN);
    await page.waitForSelector('table#orders');
    await page.fill('input#q', sessionId);
    await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === sessionId), page.click('form.filters button[type=submit]')]);
    await page.waitForSelector(`tr[data-order="${sessionId}"]`);
    expect(await page.locator('table#orders tbody tr').count()).toBe(1);
    expect(await text(page, `tr[data-order="${sessionId}"] .badge`)).toBe('fulfilled');
    await Promise.all([page.waitForURL((url) => url.pathname.startsWith('/admin/order')), page.click(`tr[data-order="${sessionId}"] a`)]);
    await page.waitForSelector('#order-status .badge');
    expect(await text(page, '#order-status')).toBe('fulfilled');

    // The buyer's order link: the page the buyer was sent to, copied for a buyer who lost it.
    const siteUrl = await page.getAttribute('main', 'data-site-url');
    expect(await page.inputValue('#order-link')).toBe(`${siteUrl}/success?session_id=${sessionId}`);
    await page.click('#copy-order-link');
    await page.waitForFunction(() => /^Copied\./.test(document.querySelector('#order-link-hint')?.textContent ?? ''));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${siteUrl}/success?session_id=${sessionId}`);
    expect(new URL(orderPage).search).toBe(`?session_id=${sessionId}`);

    // Refund the whole order; the page says the order changes when Stripe confirms it.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('form#refund button[type=submit]');
    await page.waitForSelector('#notice .notice--ok');
    expect(await text(page, '#notice')).toMatch(/^Refund of \$12\.00 requested from Stripe .*The order changes when Stripe sends charge\.refunded/);
    const refunds = shop.fake.events().filter((event) => event.type === 'charge.refunded' && event.data.object.payment_intent === shop.fake.get(sessionId)?.payment_intent);
    expect(refunds).toHaveLength(1);

    // Stripe's webhook arrives; the page, polling the order, shows it refunded.
    await page.waitForFunction(() => document.querySelector('#order-status')?.textContent?.trim() === 'refunded', undefined, { timeout: 30_000 });
    expect(await text(page, '#notice')).toBe('Stripe confirmed: the order is now refunded.');
    expect(await page.locator('form#refund').count()).toBe(0);
    expect(shop.deliveryFor('charge.refunded', refunds[0]!.data.object.id)).toMatchObject({ ok: true, status: 200 });
    await screenshot(page, 'back-office-refunded');
    expect(unexpected(errors)).toEqual([]);

    // The same link the buyer had now fails: opened in the browser, a page says why (a script
    // gets the JSON reason); their order page lists no download any more.
    const refused = await buyerPage.goto(link);
    expect(refused?.status()).toBe(410);
    expect(await text(buyerPage, '#reason')).toBe('This order was refunded: its downloads no longer work.');
    await screenshot(buyerPage, 'download-refused-after-refund');
    const after = await fetch(link);
    expect(after.status).toBe(410);
    expect(await after.json()).toEqual({ error: 'this order was refunded: its downloads no longer work' });
    await buyerPage.goto(orderPage);
    await buyerPage.waitForSelector('#order-status[data-status="refunded"]', { timeout: 30_000 });
    expect(await buyerPage.locator('a[data-download]').count()).toBe(0);
  });
});

describe('retry from the ledger', () => {
  test('a checkout event that failed while Stripe was rate-limiting: Retry now processes it and the order (a mug) awaits shipment', async () => {
    const mug = shop.seeded('enamel-mug');
    const session = await shop.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: mug.price.id, quantity: 1 }],
      success_url: `${shop.baseUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
    });
    // The next call to Stripe's API — the worker listing the session's line items — answers 429.
    shop.fake.set429(1);
    await shop.fake.completeCheckoutSession(session.id);
    await shop.fake.flushWebhooks();
    const completed = shop.deliveryFor('checkout.session.completed', session.id);
    expect(completed).toMatchObject({ ok: false, status: 500 });
    const eventId = completed!.eventId;

    const { page, errors } = await browser.newPage();
    await signIn(page, '/admin/ledger?status=failed', SYNC_TEST_TOKEN);
    const failed = page.locator(`li[data-event="${eventId}"]`);
    await failed.waitFor();
    expect(await failed.locator('.badge').textContent()).toBe('failed');
    expect(await failed.locator('.error').textContent()).toMatch(/rate limit/i);
    await screenshot(page, 'back-office-failed-event');

    // Stripe answers again; the seller retries the event now.
    await failed.locator('button', { hasText: 'Retry now' }).click();
    await page.waitForSelector('#notice .notice--ok');
    expect(await text(page, '#notice')).toBe('1 of 1 retried event(s) went through; 0 failed left.');
    expect(await page.locator(`li[data-event="${eventId}"]`).count()).toBe(0);

    // The whole ledger shows it processed, and the order it made (a mug: physical) awaits shipment.
    await page.goto('/admin/ledger');
    const processed = page.locator(`li[data-event="${eventId}"]`);
    await processed.waitFor();
    expect(await processed.locator('.badge').textContent()).toBe('processed');
    expect(await processed.locator('button').count()).toBe(0);
    await page.goto(`/admin/order?id=${encodeURIComponent(session.id)}`);
    await page.waitForSelector('#order-status .badge');
    expect(await text(page, '#order-status')).toBe('awaiting shipment');
    expect(unexpected(errors)).toEqual([]);
  });
});

describe('health', () => {
  test('the Health page lists the wiring checks the doctor prints, a red one with its fix (this shop’s local Stripe has no webhook endpoint: the tests deliver through setWebhook)', async () => {
    const { page, errors } = await browser.newPage();
    await signIn(page, '/admin/health', SYNC_TEST_TOKEN);
    await page.waitForSelector('ul#checks li[data-check]');
    expect(await page.locator('ul#checks li[data-check]').count()).toBeGreaterThan(10);
    const db = page.locator('li[data-check="binding:DB"]');
    expect(await db.getAttribute('class')).toBe('check check--ok');
    expect(await text(page, 'li[data-check="binding:DB"] strong')).toBe('✓ Binding DB (D1)');
    const endpoint = page.locator('li[data-check="webhook:exists"]');
    expect(await endpoint.getAttribute('class')).toBe('check check--red');
    expect(await text(page, 'li[data-check="webhook:exists"] .check__fix')).toBe('Fix: npm run launch creates it and stores its signing secret');
    await screenshot(page, 'back-office-health');
    expect(unexpected(errors)).toEqual([]);
  });
});
