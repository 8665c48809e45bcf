// Issue 26's Done-when, under `npm start` (its defaults, free ports): the shop's webhook endpoint
// is disabled in the local Stripe's dashboard for a while; meanwhile the seller refunds a payment,
// cancels a subscription, renames, reprices and archives products there, and the shop hears
// nothing. Enabled again (the missed events are not resent), "Reconcile now" on the back office's
// Health page repairs every one, shows the drift report, and alerts the seller once.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseResponse } from 'hono/client';
import type { ReconcileResponse } from '../../contract/api';
import { screenshot, useBrowser } from './support/browser';
import { pollUntil } from './support/live-shop';
import { useNpmStart } from './support/npm-start';
import { signIn } from './support/back-office';

const shop = useNpmStart({ name: 'reconcile' });
const { api, admin, backOffice } = shop;
const browser = useBrowser({ baseUrl: () => shop.shopUrl() });
let shopUrl = '';
let stripeUrl = '';

/** Submits a dashboard form by its button and waits for the page it sends the seller back to. */
async function act(page: Page, row: string, button: string): Promise<void> {
  await Promise.all([page.waitForURL((url) => url.searchParams.has('done')), page.locator(row).locator('button', { hasText: button }).first().click()]);
}

const reconcileReport = () => parseResponse(admin().reconcile.$get());
const openAlerts = async () => (await parseResponse(admin().health.$get())).alerts;

describe('npm start: webhooks off for a while, the dashboard changed meanwhile, then Reconcile now', () => {
  const seen: { sessionId: string; fieldNotes: string; mug: string; subscription: string } = { sessionId: '', fieldNotes: '', mug: '', subscription: '' };

  beforeAll(async () => {
    shopUrl = shop.shopUrl();
    stripeUrl = shop.stripeUrl();
    // npm start reconciles once as it starts: let that run finish before anything drifts.
    await pollUntil('npm start’s first reconciliation to finish', reconcileReport, (report) => Boolean(report.run?.finishedAt), 120_000);
  });

  test('a cart with the subscription is paid and fulfilled while the webhook is on', async () => {
    const { page } = await browser.newPage();
    await page.goto('/');
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    for (const id of ['field-notes', 'field-notes-club']) await page.click(`[data-add-to-cart="${id}"]`);
    await Promise.all([page.waitForURL((url) => url.pathname === '/cart'), page.click('a#cart-link')]);
    await page.waitForSelector('button#checkout:enabled');
    await Promise.all([page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/pay/')), page.click('button#checkout')]);
    seen.sessionId = new URL(page.url()).pathname.split('/').pop()!;
    await Promise.all([page.waitForURL((url) => url.origin === shopUrl && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
  });

  test('with the endpoint disabled, a refund, a canceled subscription, a rename, a new price and an archive reach the shop not at all', async () => {
    const { page } = await browser.newPage();
    await page.goto(stripeUrl);
    await act(page, 'tr[data-endpoint]', 'Disable');
    expect(await page.textContent('tr[data-endpoint] [data-state]')).toBe('disabled');

    await act(page, `tr[data-session="${seen.sessionId}"]`, 'Refund all');
    seen.subscription = (await page.getAttribute('tr[data-subscription]', 'data-subscription'))!;
    await act(page, `tr[data-subscription="${seen.subscription}"]`, 'Cancel now');
    seen.fieldNotes = (await page.getAttribute('tr[data-catalog-id="field-notes"]', 'data-product'))!;
    await page.fill('tr[data-catalog-id="field-notes"] input[name=name]', 'Field Notes Pattern Pack, second edition');
    await act(page, 'tr[data-catalog-id="field-notes"]', 'Rename');
    await page.fill('tr[data-catalog-id="trail-map-print"] input[name=amount]', '30.00');
    await act(page, 'tr[data-catalog-id="trail-map-print"]', 'New price');
    seen.mug = (await page.getAttribute('tr[data-catalog-id="enamel-mug"]', 'data-product'))!;
    await act(page, 'tr[data-catalog-id="enamel-mug"]', 'Archive');

    // Nothing was delivered: the shop still has the order fulfilled.
    expect((await parseResponse(api().orders[':sessionId'].$get({ param: { sessionId: seen.sessionId } }))).status).toBe('fulfilled');
    await act(page, 'tr[data-endpoint]', 'Enable');
  });

  test('Reconcile now repairs every change, the Health page shows the drift report and one alert; a second run finds no drift and the alert resolves', async () => {
    const { page } = await browser.newPage();
    await signIn(page, '/admin/health', backOffice().authorization);
    await page.waitForSelector('button#reconcile');
    await page.click('button#reconcile');
    await page.waitForFunction(() => document.querySelector('#notice')?.textContent?.startsWith('Reconciled'), undefined, { timeout: 120_000 });

    const report = await reconcileReport();
    const entry = (resource: string, objectId: string) => report.drift.find((d) => d.resource === resource && d.objectId === objectId);
    expect(entry('products', seen.fieldNotes)).toMatchObject({ kind: 'changed', outcome: 'repaired', fields: expect.arrayContaining(['name']) });
    expect(entry('products', seen.mug)).toMatchObject({ kind: 'changed', outcome: 'repaired', fields: expect.arrayContaining(['active']) });
    expect(entry('subscriptions', seen.subscription)).toMatchObject({ outcome: 'repaired' });
    expect(report.drift.some((d) => d.resource === 'prices' && d.kind === 'missing' && d.outcome === 'repaired')).toBe(true);
    expect(report.drift.some((d) => d.kind === 'missed_event' && d.outcome === 'repaired')).toBe(true);
    // The missed charge.refunded, applied through the webhook's path: the order is refunded now.
    expect((await parseResponse(api().orders[':sessionId'].$get({ param: { sessionId: seen.sessionId } }))).status).toBe('refunded');

    expect(await page.locator('#drift li').count()).toBe(report.drift.length);
    expect(await page.textContent('#drift')).toContain(seen.fieldNotes);
    const alerts = await openAlerts();
    expect(alerts.map((alert) => alert.kind)).toEqual(['missed_events']);
    expect(await page.locator('#alerts li').count()).toBe(1);
    await screenshot(page, 'npm-start-reconcile-health');

    let second: ReconcileResponse;
    do {
      const response = await admin().reconcile.$post({ json: {} });
      expect(response.status).toBe(200);
      second = await parseResponse(response);
    } while (!second.run?.finishedAt);
    expect(second.drift).toEqual([]);
    expect(await openAlerts()).toEqual([]);
  });
});
