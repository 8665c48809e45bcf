// A site built with WORKER_CHECKOUT=true (the worker has a Stripe key; the catalog products have
// no Payment Link), served by a worker whose mirror the local Stripe's webhooks filled: Buy of a
// catalog product opens a Checkout Session at its mirrored price. The worker starts one only on
// a same-origin POST (a GET answers 303), so Buy must be a form, with and without JavaScript.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { useBrowser } from './support/browser';
import { useLiveShop } from './support/live-shop';

const root = fileURLToPath(new URL('../..', import.meta.url));
let builtSite: string | undefined;

/**
 * `npm run build` with WORKER_CHECKOUT=true, for the local Stripe (VITE_LOCAL_STRIPE: the
 * pages' form-action allows its hosted checkout) into a temp dir; nothing else from this
 * process's environment configures it.
 */
async function buildForWorkerCheckout(localStripeUrl: string): Promise<string> {
  builtSite = await mkdtemp(path.join(tmpdir(), 'worker-checkout-site-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VITE_|SITE_URL$|WORKER_CHECKOUT$)/.test(name)));
  const args = [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--configLoader', 'runner', '--logLevel', 'warn', '--outDir', builtSite];
  const vite = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, WORKER_CHECKOUT: 'true', VITE_STRIPE_MODE: 'test', VITE_LOCAL_STRIPE: localStripeUrl, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  vite.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  vite.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => vite.once('close', resolve));
  if (code !== 0) throw new Error(`vite build (WORKER_CHECKOUT=true) failed with ${code}:\n${output}`);
  return builtSite;
}

const shop = useLiveShop({ site: buildForWorkerCheckout, logName: 'worker-checkout-worker.log' });
const browser = useBrowser({ baseUrl: () => shop.baseUrl });
afterAll(async () => {
  if (builtSite) await rm(builtSite, { recursive: true, force: true });
});

/** Clicks Buy of `id` and waits for the local Stripe's hosted checkout; returns its session, line items expanded. */
async function buyThroughHostedCheckout(page: Page, id: string) {
  const fakeOrigin = new URL(shop.fake.url).origin;
  await Promise.all([page.waitForURL((url) => url.origin === fakeOrigin && url.pathname.startsWith('/pay/')), page.click(`[data-buy="${id}"]`)]);
  const sessionId = new URL(page.url()).pathname.split('/').pop()!;
  return shop.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
}

/** How the page's Buy of `id` works: the form it submits, and whether any link leads to the checkout. */
function buyOf(page: Page, id: string) {
  return page.evaluate((productId) => {
    const control = document.querySelector(`[data-buy="${productId}"]`);
    const form = control instanceof HTMLButtonElement ? control.form : null;
    return {
      tag: control?.tagName.toLowerCase() ?? null,
      type: control?.getAttribute('type') ?? null,
      form: form ? { method: form.getAttribute('method'), action: form.getAttribute('action') } : null,
      linksToCheckout: [...document.querySelectorAll('a[href]')].filter((link) => link.getAttribute('href')!.includes('/checkout')).length,
    };
  }, id);
}

describe('Buy of a catalog product in a WORKER_CHECKOUT=true build', () => {
  test("without JavaScript, the product page's Buy is a form whose POST reaches the hosted checkout of the product's mirrored price", async () => {
    const { price } = shop.seeded('trail-map-print');
    const { page } = await browser.newPage({ javaScriptEnabled: false });
    expect((await page.goto('/products/trail-map-print'))?.status()).toBe(200);
    expect(await buyOf(page, 'trail-map-print')).toEqual({
      tag: 'button',
      type: 'submit',
      form: { method: 'post', action: '/products/trail-map-print/checkout' },
      linksToCheckout: 0,
    });

    const session = await buyThroughHostedCheckout(page, 'trail-map-print');
    expect(session).toMatchObject({ mode: 'payment', status: 'open', amount_total: price.unit_amount, metadata: { product_id: 'trail-map-print' } });
    expect(session.client_reference_id).toMatch(/^[0-9a-f-]{36}$/); // a fresh one: no script sent the buyer
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([[price.id, 1]]);
  });

  test("with JavaScript, the product page's Buy form carries the buyer (set after the page loaded) into the Checkout Session of the mirrored price", async () => {
    const { price } = shop.seeded('field-notes');
    const { page, errors } = await browser.newPage();
    expect((await page.goto('/products/field-notes'))?.status()).toBe(200);
    await page.waitForSelector('[data-add-to-cart="field-notes"]'); // the live catalog arrived: Add to cart sits in Buy's row
    await page.evaluate(() => Object.assign(window, { storefrontBuyer: { id: 'user_worker_checkout_7', email: 'seller-user@example.com' } }));

    const session = await buyThroughHostedCheckout(page, 'field-notes');
    expect(session).toMatchObject({ client_reference_id: 'user_worker_checkout_7', customer_email: 'seller-user@example.com', amount_total: price.unit_amount });
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([[price.id, 1]]);
    expect(errors).toEqual([]);
  });

  test("without JavaScript, the grid's Buy is a form, in View's row and as tall, whose POST reaches the hosted checkout of the product's mirrored price", async () => {
    const { price } = shop.seeded('enamel-mug');
    const { page } = await browser.newPage({ javaScriptEnabled: false });
    expect((await page.goto('/'))?.status()).toBe(200);
    expect(await buyOf(page, 'enamel-mug')).toEqual({
      tag: 'button',
      type: 'submit',
      form: { method: 'post', action: '/products/enamel-mug/checkout' },
      linksToCheckout: 0,
    });
    const view = await page.locator('[data-view="enamel-mug"]').boundingBox();
    const buy = await page.locator('[data-buy="enamel-mug"]').boundingBox();
    expect({ top: buy?.y, height: buy?.height }).toEqual({ top: view?.y, height: view?.height });

    const session = await buyThroughHostedCheckout(page, 'enamel-mug');
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([[price.id, 1]]);
  });

  test("with JavaScript, the grid's Buy form carries the buyer into the Checkout Session of the mirrored price", async () => {
    const { price } = shop.seeded('trail-map-print');
    const { page, errors } = await browser.newPage();
    expect((await page.goto('/'))?.status()).toBe(200);
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    await page.evaluate(() => Object.assign(window, { storefrontBuyer: { id: 'user_grid_form_9' } }));

    const session = await buyThroughHostedCheckout(page, 'trail-map-print');
    expect(session).toMatchObject({ client_reference_id: 'user_grid_form_9', amount_total: price.unit_amount });
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([[price.id, 1]]);
    expect(errors).toEqual([]);
  });
});
