// `npm start` with its defaults, as a seller lives with an order: a buyer pays; the seller refunds
// part of it in the local Stripe's dashboard and sees paid, refunded and net in the back office and
// the sales totals; the bank opens a dispute (the download stops) and the seller wins it (the
// download works again); the seller revokes and restores access by hand, resets the download
// count, finds the order by the beginning of the buyer's email, and opens the buyer's customer view;
// the ledger says how many accepted events still wait on the events queue.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseResponse } from 'hono/client';
import { findProduct } from '../../catalog';
import { screenshot, useBrowser } from './support/browser';
import { pollUntil } from './support/live-shop';
import { useNpmStart } from './support/npm-start';
import { signIn } from './support/back-office';

const shop = useNpmStart({ name: 'seller' });
const browser = useBrowser({ baseUrl: () => shop.shopUrl() });
const { backOffice } = shop;

const BUYER = `ada.lovelace.${Date.now()}`;
const EMAIL = `${BUYER}@example.com`;
const PRICE = findProduct('field-notes')!.price.amount;

let shopUrl = '';
let stripeUrl = '';
let sessionId = '';
let download = '';

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
const orderDetail = () => parseResponse(shop.admin().orders[':id'].$get({ param: { id: sessionId } }));
const waitForStatus = (status: string) => pollUntil(`the order to be ${status}`, orderDetail, (d) => d.order.status === status);
const downloadStatus = async () => (await fetch(new URL(download, shopUrl))).status;

/** The back office in a page signed in with the SYNC_TOKEN npm start wrote. */
async function backOfficePage(path: string): Promise<Page> {
  const { page } = await browser.newPage();
  await signIn(page, path, backOffice().authorization);
  return page;
}

/** One action on the payment in the local Stripe's dashboard (Refund part, Dispute, Win dispute…). */
async function inDashboard(page: Page, act: (row: ReturnType<Page['locator']>) => Promise<void>): Promise<void> {
  await page.goto(stripeUrl);
  const row = page.locator(`tr[data-session="${sessionId}"]`);
  await Promise.all([page.waitForURL((url) => url.searchParams.has('done')), act(row)]);
}

describe('npm start: the seller sees the whole life of an order', () => {
  beforeAll(() => {
    shopUrl = shop.shopUrl();
    stripeUrl = shop.stripeUrl();
  });

  test('a buyer pays for the pattern pack on the local Stripe with their email: fulfilled, with a download', async () => {
    const { page } = await browser.newPage();
    await page.goto('/products/field-notes');
    await Promise.all([page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/pay/')), page.click('[data-buy="field-notes"]')]);
    sessionId = new URL(page.url()).pathname.split('/').pop()!;
    await page.fill('input[name=email]', EMAIL);
    await Promise.all([page.waitForURL((url) => url.origin === shopUrl && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    download = (await page.getAttribute('a[data-download]', 'href'))!;
    expect(await downloadStatus()).toBe(200);
  });

  test('the ledger lists the purchase as processed by the events queue, and says how many accepted events still wait on it (none, once committed)', async () => {
    const admin = await backOfficePage('/admin/ledger?type=checkout.session.completed');
    await pollUntil('the purchase in the ledger', () => parseResponse(shop.admin().events.$get({ query: { type: 'checkout.session.completed' } })), (page) => page.queued?.count === 0);
    await admin.reload();
    await admin.waitForSelector('#queued-note');
    expect(await text(admin, '#queued-count')).toBe('0');
    expect(await text(admin, '#queued-note')).toMatch(/^queued, not committed yet 0\. Webhooks are answered once their event is on the events queue/);
    expect(await admin.locator('ol#events li .badge').first().textContent()).toBe('processed');
  });

  test("a $5 refund in the dashboard: the order page shows paid, refunded and net; the list and today's sales are net", async () => {
    const { page } = await browser.newPage();
    await inDashboard(page, async (row) => {
      await row.locator('input[name=amount]').fill('5.00');
      await row.locator('button', { hasText: 'Refund part' }).click();
    });
    await waitForStatus('partially_refunded');

    const admin = await backOfficePage(`/admin/order?id=${sessionId}`);
    await admin.waitForSelector('#order-net');
    expect(await text(admin, '#order-paid')).toBe(money(PRICE));
    expect(await text(admin, '#order-refunded')).toBe(money(500));
    expect(await text(admin, '#order-net')).toBe(money(PRICE - 500));
    expect(await text(admin, '#order-status')).toContain('partially refunded');
    await screenshot(admin, 'npm-start-seller-partial-refund');

    await admin.goto('/admin/');
    await admin.waitForSelector(`tr[data-order="${sessionId}"]`);
    expect(await text(admin, `tr[data-order="${sessionId}"] td[data-label="Total"]`)).toBe(`${money(PRICE)} paid · ${money(500)} refunded · ${money(PRICE - 500)} net`);
    const totals = await parseResponse(shop.admin().totals.$get());
    expect(totals.today).toEqual([{ currency: 'usd', orders: 1, renewals: 0, amount: PRICE - 500 }]);
    expect(await text(admin, '#totals')).toContain(`${money(PRICE - 500)} net · 1 order`);
  });

  test('a dispute opened in the dashboard stops the download; won, the download works again', async () => {
    const { page } = await browser.newPage();
    await inDashboard(page, (row) => row.locator('button', { hasText: /^Dispute$/ }).click());
    await waitForStatus('disputed');
    expect(await downloadStatus()).toBe(410);

    await inDashboard(page, (row) => row.locator('button', { hasText: 'Win dispute' }).click());
    expect(await text(page, `tr[data-session="${sessionId}"] [data-state]`)).toContain('disputed (won)');
    await waitForStatus('dispute_won');
    expect(await downloadStatus()).toBe(200);
  });

  test('the seller revokes access (the download stops), restores it (it works), and resets the download count, each in the history with the reason', async () => {
    const admin = await backOfficePage(`/admin/order?id=${sessionId}`);
    await admin.fill('#access-reason', 'paid twice, refunding the other order');
    await admin.click('#revoke-access');
    await admin.waitForSelector('#restore-access');
    expect(await downloadStatus()).toBe(410);

    await admin.fill('#access-reason', 'the buyer sent the other payment back');
    await admin.click('#restore-access');
    await admin.waitForSelector('#revoke-access');
    expect(await downloadStatus()).toBe(200);

    const file = admin.locator('#download-counts li[data-file]').first();
    await file.locator('input[name=reason]').fill('the buyer lost the file');
    await file.locator('button', { hasText: 'Reset count' }).click();
    await admin.waitForSelector('#download-counts li[data-file] >> text=downloaded 0 times');
    const history = await text(admin, '#history');
    expect(history).toContain('access revoked by SYNC_TOKEN — “paid twice, refunding the other order”');
    expect(history).toContain('access restored by SYNC_TOKEN — “the buyer sent the other payment back”');
    expect(history).toMatch(/downloads reset by SYNC_TOKEN — \S+ \(was \d+\): “the buyer lost the file”/);
    await screenshot(admin, 'npm-start-seller-order-page');
  });

  test("Resync from Stripe on the order's product refetches it and says the shop agreed", async () => {
    const admin = await backOfficePage(`/admin/order?id=${sessionId}`);
    const product = (await admin.getAttribute('#line-items [data-resync^="products/"]', 'data-resync'))!;
    await admin.click(`#line-items [data-resync="${product}"]`);
    await admin.waitForSelector('#notice .notice--ok');
    expect(await text(admin, '#notice')).toBe(`Resynced from Stripe: ${product}. The shop agreed with Stripe.`);
  });

  test("the order page links the buyer's customer view: every order of theirs, with paid, refunded and net", async () => {
    const admin = await backOfficePage(`/admin/order?id=${sessionId}`);
    await Promise.all([admin.waitForURL((url) => url.pathname === '/admin/customer'), admin.click('#customer-view')]);
    await admin.waitForSelector(`tr[data-order="${sessionId}"]`);
    expect(await text(admin, '#buyer-title')).toBe(EMAIL);
    expect(await text(admin, '#buyer-totals')).toBe(`${money(PRICE)} · ${money(500)} · ${money(PRICE - 500)} (1 order)`);
    await screenshot(admin, 'npm-start-seller-customer');
  });

  test('the beginning of the email finds the order, and so do words of its product\'s name; a search that finds nothing says so and keeps the form and its filters', async () => {
    const admin = await backOfficePage('/admin/');
    await admin.waitForSelector('#orders');
    await admin.fill('#q', `${BUYER}@`);
    await admin.click('form.filters button[type=submit]');
    await admin.waitForFunction(() => new URL(location.href).searchParams.get('q')?.endsWith('@') === true);
    await admin.waitForSelector(`tr[data-order="${sessionId}"]`);
    expect(await admin.locator('#orders tbody tr').count()).toBe(1);

    await admin.fill('#q', 'pattern PACK');
    await admin.click('form.filters button[type=submit]');
    await admin.waitForSelector('#search-window');
    expect(await admin.locator('#orders tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order')))).toEqual([sessionId]);

    await admin.selectOption('#status', 'dispute_won');
    await admin.fill('#q', 'nobody-at-all@nowhere.example');
    await admin.click('form.filters button[type=submit]');
    await admin.waitForSelector('#no-orders');
    expect(await text(admin, '#no-orders')).toBe('No orders match “nobody-at-all@nowhere.example” with status dispute won.');
    expect(await admin.inputValue('#q')).toBe('nobody-at-all@nowhere.example');
    expect(await admin.inputValue('#status')).toBe('dispute_won');
    expect(await admin.locator('#totals').count()).toBe(1);
    await screenshot(admin, 'npm-start-seller-no-match');
  });
});

/** As the back office formats an amount in dollars (the browser's locale is en-US). */
function money(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}
