// The buyer's receipt and library under `npm start`, offline: a buyer pays three times with one
// email on the local Stripe's hosted page (the pattern pack twice, the subscription once), closes
// the tab, and gets everything back from the mail alone — the receipt's order link in a browser
// that never saw the purchase, the library by an emailed sign-in link in another (Manage
// subscription included), and the order page with JavaScript off.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseResponse } from 'hono/client';
import { beforeAll, describe, expect, test } from 'vitest';
import catalog from '../../catalog/catalog.json';
import { screenshot, useBrowser } from './support/browser';
import { pollUntil } from './support/live-shop';
import { useNpmStart } from './support/npm-start';

/** What the mail catcher answers to `GET /mail` with `Accept: application/json`. */
interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

const shop = useNpmStart({ name: 'receipt' });
const browser = useBrowser({ baseUrl: () => shop.shopUrl() });
const BUYER = `closed-the-tab-${Date.now()}@example.com`;
const fieldNotes = catalog.products.find((product) => product.id === 'field-notes')!;
const seeded = readFileSync(new URL(`../../catalog/files/${fieldNotes.files![0]!.key.split('/').pop()}`, import.meta.url));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let shopUrl = '';
let stripeUrl = '';
/** The buyer's two orders of the pattern pack, oldest first. */
const bought: string[] = [];
/** The buyer's subscription order. */
let subscribed = '';

async function mailTo(address: string): Promise<CaughtMail[]> {
  return (await shop.getJson<{ messages: CaughtMail[] }>(`${stripeUrl}/mail?to=${encodeURIComponent(address)}`, { accept: 'application/json' })).messages;
}

/** Pays for a product on the local Stripe's hosted page with `email`; returns the order (session) id once fulfilled. */
async function buy(page: Page, productId: string, email: string): Promise<string> {
  await page.goto(`/products/${productId}`);
  await Promise.all([page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/pay/')), page.click(`[data-buy="${productId}"]`)]);
  await page.fill('input[name=email]', email);
  await Promise.all([page.waitForURL((url) => url.origin === shopUrl && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
  await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
  return new URL(page.url()).searchParams.get('session_id')!;
}

describe("npm start: the buyer's receipt and library, offline", () => {
  beforeAll(() => {
    shopUrl = shop.shopUrl();
    stripeUrl = shop.stripeUrl();
  });

  test('three purchases with one email: a receipt for each in the local mail catcher (to, subject, text, html, sentAt), each with its order link', async () => {
    const { page } = await browser.newPage();
    bought.push(await buy(page, fieldNotes.id, BUYER));
    bought.push(await buy(page, fieldNotes.id, BUYER));
    subscribed = await buy(page, 'field-notes-club', BUYER);
    const receipts = await pollUntil(
      'the three receipts in the mail catcher',
      async () => (await mailTo(BUYER)).filter((mail) => mail.subject === `Your receipt from ${catalog.shopName}`),
      (mails) => mails.length >= 3,
    );
    expect(receipts).toHaveLength(3);
    for (const id of [...bought, subscribed]) {
      const link = `${shopUrl}/success?session_id=${id}`;
      const receipt = receipts.find((mail) => mail.text.includes(link));
      expect(receipt, `a receipt linking to ${link}`).toBeDefined();
      expect(receipt!.to).toEqual([BUYER]);
      expect(receipt!.text).toContain(id === subscribed ? 'Field Notes Club' : fieldNotes.name);
      expect(receipt!.html).toContain(`href="${link}"`);
      expect(new Date(receipt!.sentAt).toISOString()).toBe(receipt!.sentAt);
    }
    expect(shop.log()).toContain(`mail goes to the local catcher: ${stripeUrl}/mail`);
  });

  test("the receipt's order link, opened in a fresh browser (none of the buyer's storage), downloads the file: 200, the seeded bytes", async () => {
    const receipt = (await mailTo(BUYER)).find((mail) => mail.text.includes(`session_id=${bought[0]}`))!;
    const orderLink = /https?:\/\/\S+\/success\?session_id=\S+/.exec(receipt.text)![0];
    const { page } = await browser.newPage({ acceptDownloads: true });
    await page.goto(orderLink);
    expect(await page.evaluate(() => localStorage.getItem('storefront.buyerSecret'))).toBeNull();
    await page.waitForSelector('#order-status[data-status="fulfilled"]');
    const button = page.locator('a[data-download]');
    expect(await button.count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('field-notes-pattern-pack.pdf');
    expect(sha256(readFileSync(await download.path()))).toBe(sha256(seeded));
    const again = await fetch(new URL((await button.getAttribute('href'))!, shopUrl));
    expect(again.status).toBe(200);
    expect(sha256(Buffer.from(await again.arrayBuffer()))).toBe(sha256(seeded));
  });

  test('"Email me my purchases" from a product page in another fresh browser: the emailed link signs it in to a library of every order of that email; its Manage subscription opens the portal', async () => {
    const { page } = await browser.newPage({ acceptDownloads: true });
    await page.goto(`/products/${fieldNotes.id}`);
    await Promise.all([page.waitForURL((url) => url.pathname === '/library'), page.click('a[href="/library"]')]);
    await page.fill('input[name=email]', BUYER.toUpperCase());
    await Promise.all([page.waitForURL((url) => url.pathname === '/library'), page.click('button[type=submit]')]);
    expect(await page.textContent('#library-requested')).toContain('a link to your purchases is on its way');

    const mail = await pollUntil('the library link in the mail catcher', async () => (await mailTo(BUYER)).find((m) => m.subject === `Your purchases at ${catalog.shopName}`), Boolean);
    const link = /https?:\/\/\S+\/library\/open\?token=[A-Za-z0-9_-]+/.exec(mail!.text)![0];
    expect(new URL(link).origin).toBe(shopUrl);
    await page.goto(link);
    await Promise.all([page.waitForURL((url) => url.pathname === '/library'), page.click('#library-open')]);
    expect(await page.textContent('#library-email')).toBe(BUYER);
    const listed = await page.locator('article.library-order').evaluateAll((articles) => articles.map((article) => article.getAttribute('data-order')));
    expect(listed.sort()).toEqual([...bought, subscribed].sort());
    await screenshot(page, 'npm-start-library');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`article[data-order="${bought[1]}"] a.library-download`).click()]);
    expect(sha256(readFileSync(await download.path()))).toBe(sha256(seeded));
    // The session is in an HttpOnly cookie: the page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('library_session');

    // Only the subscription order has Manage subscription; it opens the portal of that order's customer.
    expect(await page.locator('article.library-order form[action="/library/portal"]').count()).toBe(1);
    await pollUntil('Stripe to report the subscription', () => parseResponse(shop.api().orders[':sessionId'].$get({ param: { sessionId: subscribed } })), (o) => o.subscriptionAccess?.status === 'active');
    await Promise.all([
      page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/portal/')),
      page.locator(`article[data-order="${subscribed}"] button`, { hasText: 'Manage subscription' }).click(),
    ]);
    expect(await page.locator('li[data-subscription]').count()).toBe(1);
    expect(await page.locator('a', { hasText: 'Return to the shop' }).getAttribute('href')).toBe(`${shopUrl}/library`);
  });

  test('with JavaScript disabled the order page shows the fulfilled order, its download link (200) and the way to the library', async () => {
    const { page } = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(`/success?session_id=${bought[1]}`);
    expect(await page.getAttribute('#order-status', 'data-status')).toBe('fulfilled');
    expect(await page.textContent('#order-status')).toContain(bought[1]);
    const href = await page.getAttribute('a[data-download]', 'href');
    expect(href).toMatch(/^\/downloads\//);
    const file = await fetch(new URL(href!, shopUrl));
    expect(file.status).toBe(200);
    expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(sha256(seeded));
    expect(await page.locator('a[href="/library"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'npm-start-success-no-js');
  });

  test("the local Stripe's dashboard lists the messages: the three receipts and the library link, to the buyer", async () => {
    const { page } = await browser.newPage();
    await page.goto(stripeUrl);
    const rows = page.locator('#mail tbody tr', { hasText: BUYER });
    const subjects = await rows.locator('td:nth-child(3)').allTextContents();
    expect(subjects.filter((subject) => subject === `Your receipt from ${catalog.shopName}`)).toHaveLength(3);
    expect(subjects).toContain(`Your purchases at ${catalog.shopName}`);
    await Promise.all([page.waitForURL((url) => url.pathname === '/mail'), page.click('#mail a[href="/mail"]')]);
    expect(await page.locator('article.mail', { hasText: BUYER }).count()).toBe(4);
  });
});
