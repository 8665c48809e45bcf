// The order page (/success) without JavaScript, against the shared shop (the local Stripe): the
// worker renders it from the order it knows, and while the order is not settled the page reloads
// itself until it is.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, test } from 'vitest';
import catalog from '../../catalog/catalog.json';
import { screenshot, useBrowser } from './support/browser';
import { checkout, openProduct, sessionIdOf } from './support/flows';

const browser = useBrowser();
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the order page without JavaScript', () => {
  test('buying the pattern pack with JavaScript disabled: the success page shows the fulfilled order, its licence key, and Download saves the seeded PDF', async () => {
    const fieldNotes = catalog.products.find((product) => product.id === 'field-notes')!;
    const file = fieldNotes.files![0]!;
    const seeded = readFileSync(new URL(`../../catalog/files/${file.key.split('/').pop()}`, import.meta.url));
    const { page, errors } = await browser.newPage({ javaScriptEnabled: false, acceptDownloads: true });

    await openProduct(page, fieldNotes.id);
    // Buy is a plain form: without JavaScript it still reaches the local Stripe's hosted checkout.
    const stripeOrigin = new URL(inject('localStripeUrl')).origin;
    await Promise.all([page.waitForURL((url) => url.origin === stripeOrigin && url.pathname.startsWith('/pay/')), page.click(`[data-buy="${fieldNotes.id}"]`)]);
    const sessionId = sessionIdOf(await checkout(page, 'pay'));

    // The webhook may land after the buyer: the page then reloads itself (no script) until fulfilled.
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    const region = (await page.textContent('#order-status')) ?? '';
    expect(region).toContain('Paid and fulfilled');
    expect(region).toContain(fieldNotes.name);
    expect(region).toContain(sessionId);
    expect(await page.locator('noscript').count()).toBe(0);
    expect(await page.locator('[data-licence-key="field-notes"]').textContent()).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    const button = page.locator('a[data-download]');
    expect(await button.count()).toBe(1);
    expect((await button.textContent())?.trim()).toBe(`Download ${file.name}`);
    await screenshot(page, 'success-without-javascript');

    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('field-notes-pattern-pack.pdf');
    expect(sha256(readFileSync(await download.path()))).toBe(sha256(seeded));
    expect(new URL(page.url()).pathname).toBe('/success');
    // (Chromium asks for /favicon.ico on the local Stripe's checkout, which names no icon.)
    expect(errors.filter((error) => !error.includes('/favicon.ico'))).toEqual([]);
  });

  test('a malformed order reference is a 404 page that says so, at once', async () => {
    const { page } = await browser.newPage({ javaScriptEnabled: false });
    const response = await page.goto('/success?session_id=not-a-session');
    expect(response?.status()).toBe(404);
    expect(await page.getAttribute('#order-status', 'data-status')).toBe('unknown-reference');
    expect(await page.textContent('#order-status')).toContain('We could not find your order reference.');
  });
});
