// A test-mode site (the catalog products have no Payment Link, so Buy goes to the worker's
// checkout), served by a worker whose mirror the local Stripe's webhooks filled: Buy of a
// catalog product opens a Checkout Session at its mirrored price. The worker starts one only on
// a same-origin POST (a GET answers 303), so Buy must be a form, with and without JavaScript.
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { useBrowser } from './support/browser';
import { useLiveShop } from './support/live-shop';
import { buildSiteForLocalStripe } from './support/site-build';

let builtSite: string | undefined;
const shop = useLiveShop({ site: async (localStripeUrl) => (builtSite = await buildSiteForLocalStripe(localStripeUrl)), logName: 'worker-checkout-worker.log' });
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

describe("Buy of a catalog product without a Payment Link (the worker's checkout)", () => {
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
