// Embedded Checkout, offline: a worker in `CHECKOUT_MODE=embedded` with the fake Stripe API.
// Stripe.js (https://js.stripe.com/**) is routed to the fake's stand-in, which mounts the fake's
// checkout page for the session in an iframe; Pay there completes the session, the fake sends
// the signed webhook, and the shop's page goes to the session's return_url (/success), which
// confirms from the worker's order API. The shop's own pages run under their real CSP.
import type { BrowserContext } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { CHECKOUT_SESSION_ID } from '../../contract/ids';
import { useBrowser } from './support/browser';
import { useLiveShop } from './support/live-shop';

const PUBLISHABLE_KEY = 'pk_test_51EmbeddedE2e';
const shop = useLiveShop({ vars: { CHECKOUT_MODE: 'embedded', STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY }, logName: 'embedded-worker.log' });
const browser = useBrowser({ baseUrl: () => shop.baseUrl });

/** Serves https://js.stripe.com/** from the fake Stripe (its Stripe.js stand-in and its checkout pages). */
async function routeStripeJs(context: BrowserContext): Promise<void> {
  await context.route('https://js.stripe.com/**', async (route) => {
    const url = new URL(route.request().url());
    const response = await route.fetch({ url: `${shop.fake.url}${url.pathname}${url.search}`, maxRedirects: 0 });
    await route.fulfill({ response });
  });
}

const stripeJs = (requests: string[]) => requests.filter((url) => new URL(url).hostname.endsWith('stripe.com'));

describe('embedded checkout', () => {
  test('the grid, a product page and the cart before Checkout request nothing from Stripe', async () => {
    const { page, requests } = await browser.newPage();
    await routeStripeJs(page.context());
    await page.goto('/');
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    await page.goto('/products/field-notes');
    await page.waitForLoadState('networkidle');
    await page.click('[data-add-to-cart="field-notes"]');
    await page.goto('/cart');
    await page.waitForSelector('button#checkout:enabled');
    await page.waitForLoadState('networkidle');
    expect(stripeJs(requests)).toEqual([]);
  });

  test('as served, only /cart’s CSP allows Stripe.js, and it is one policy (the /* one detached)', async () => {
    const csp = async (path: string) => {
      const response = await fetch(`${shop.baseUrl}${path}`);
      await response.arrayBuffer();
      return response.headers.get('content-security-policy') ?? '';
    };
    const cart = await csp('/cart');
    expect(cart).toMatch(/(^|; )script-src 'self' https:\/\/js\.stripe\.com https:\/\/\*\.js\.stripe\.com(;|$)/);
    expect(cart).not.toContain(','); // two policies would be joined by a comma, and both enforced
    for (const path of ['/', '/products/field-notes', '/success?session_id=cs_test_x1']) expect(await csp(path)).not.toContain('js.stripe.com');
  });

  test('Checkout mounts the session on /cart; Pay completes it and the shop’s success page confirms it fulfilled', async () => {
    const { page, requests, errors } = await browser.newPage();
    await routeStripeJs(page.context());
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });

    await page.goto('/');
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    await page.click('[data-add-to-cart="field-notes"]');
    await page.goto('/cart');
    await page.click('button#checkout:enabled');

    // Mounted in place: still /cart, the checkout's frame inside the cart page.
    const frameElement = await page.waitForSelector('#embedded-checkout-frame iframe');
    expect(new URL(page.url()).pathname).toBe('/cart');
    expect(await page.isHidden('#cart-summary')).toBe(true);
    expect(stripeJs(requests).some((url) => /^https:\/\/js\.stripe\.com\/[a-z]+\/stripe\.js/.test(url))).toBe(true);
    const frame = (await frameElement.contentFrame())!;
    await frame.waitForSelector('button[name=action][value=pay]');
    expect(await frame.locator('button[name=action][value=cancel]').count()).toBe(0);

    const sessionId = decodeURIComponent(new URL(frame.url()).pathname.split('/').pop()!);
    expect(sessionId).toMatch(CHECKOUT_SESSION_ID);
    expect(shop.fake.get(sessionId)).toMatchObject({ ui_mode: 'embedded_page', status: 'open', url: null });

    await Promise.all([
      page.waitForURL((url) => url.origin === new URL(shop.baseUrl).origin && url.pathname === '/success'),
      frame.click('button[name=action][value=pay]'),
    ]);
    expect(new URL(page.url()).searchParams.get('session_id')).toBe(sessionId);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    expect(shop.deliveryFor('checkout.session.completed', sessionId)).toMatchObject({ ok: true, status: 200 });
    expect((await shop.order(sessionId)).status).toBe('fulfilled');

    expect(violations).toEqual([]);
    expect(errors.filter((error) => !error.includes('favicon') && !error.includes(shop.fake.url) && !error.includes('js.stripe.com'))).toEqual([]);
  });
});
