// `npm start` with its defaults, a subscription past its first month: a buyer subscribes to the
// Field Notes Club on the local Stripe's hosted page; the seller renews it twice in the local
// Stripe's dashboard (as Stripe does when a period ends). The shop records three billing periods
// (the order's own and two renewals) on the back office's order page, the sales totals count the
// renewals, and the buyer's order page serves the second period's pack.
import { describe, expect, test } from 'vitest';
import { parseResponse } from 'hono/client';
import { screenshot, useBrowser } from './support/browser';
import { pollUntil } from './support/live-shop';
import { useNpmStart } from './support/npm-start';
import { signIn } from './support/back-office';

const shop = useNpmStart({ name: 'renewals' });
const { getJson, backOffice, admin } = shop;
const browser = useBrowser({ baseUrl: () => shop.shopUrl() });

describe('npm start: a subscription renewed twice', () => {
  test('subscribed, renewed twice in the dashboard: three periods on the back office’s order page, the totals count them, the second period’s file downloads', async () => {
    const shopUrl = shop.shopUrl();
    const stripeUrl = shop.stripeUrl();
    const { page } = await browser.newPage();

    // The buyer subscribes.
    await page.goto('/');
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    await page.click('[data-add-to-cart="field-notes-club"]');
    await Promise.all([page.waitForURL((url) => url.pathname === '/cart'), page.click('a#cart-link')]);
    await page.waitForSelector('button#checkout:enabled');
    await Promise.all([page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/pay/')), page.click('button#checkout')]);
    const sessionId = new URL(page.url()).pathname.split('/').pop()!;
    await Promise.all([page.waitForURL((url) => url.origin === shopUrl && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    const orderPage = page.url();

    // The seller renews it twice in the local Stripe's dashboard.
    const session = await getJson<{ subscription: string }>(`${stripeUrl}/v1/checkout/sessions/${sessionId}`, { authorization: 'Bearer sk_test_local_dashboard' });
    await page.goto(stripeUrl);
    const row = page.locator(`tr[data-subscription="${session.subscription}"]`);
    for (let renewal = 1; renewal <= 2; renewal++) {
      await Promise.all([page.waitForURL((url) => url.searchParams.has('done')), row.locator('button', { hasText: 'Renew one period' }).click()]);
      expect(new URL(page.url()).searchParams.get('done')).toMatch(/renewed: invoice in_\w+ paid \$5\.00; the subscription is active\./);
    }
    expect(await row.locator('[data-invoices]').textContent()).toBe('3 invoices (3 paid)');
    await screenshot(page, 'npm-start-renewals-dashboard');

    // The back office: three periods on the order, the totals count the two renewals.
    const detail = await pollUntil(
      'three paid periods on the order',
      () => parseResponse(admin().orders[':id'].$get({ param: { id: sessionId } })),
      (d) => d.periods.filter((period) => period.status === 'paid').length === 3,
    );
    expect(detail.periods.map((period) => [period.first, period.status, period.amountPaid])).toEqual([
      [true, 'paid', 500],
      [false, 'paid', 500],
      [false, 'paid', 500],
    ]);
    const totals = await parseResponse(admin().totals.$get());
    expect(totals.today.find((total) => total.currency === 'usd')).toEqual({ currency: 'usd', orders: 1, renewals: 2, amount: 1500 });

    await signIn(page, `${shopUrl}/admin/order?id=${encodeURIComponent(sessionId)}`, backOffice().authorization);
    await page.waitForSelector('#periods');
    expect(await page.locator('#periods li[data-status="paid"]').count()).toBe(3);
    await screenshot(page, 'npm-start-renewals-back-office');

    // The buyer's order page serves the second period's pack.
    await page.goto(orderPage);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    const month2 = page.locator('a[data-download]', { hasText: 'Month 2 pack' });
    await month2.waitFor();
    const href = await month2.getAttribute('href');
    const download = await fetch(new URL(href!, shopUrl));
    expect(download.status).toBe(200);
    expect(new TextDecoder().decode((await download.arrayBuffer()).slice(0, 8))).toBe('%PDF-1.4');
    await screenshot(page, 'npm-start-renewals-order-page');
  }, 240_000);
});
