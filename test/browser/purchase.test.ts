// The purchase flow in a real browser against the real worker: grid / product page → Buy →
// the worker's checkout → the local Stripe's hosted checkout → success page polling the worker,
// or cancel page.
import { describe, expect, test } from 'vitest';
import catalog from '../../catalog/catalog.json';
import { screenshot, useBrowser } from './support/browser';
import { fillShippingAddress } from './support/shipping-address';
import {
  apiOrder,
  checkout,
  clickBuy,
  openGrid,
  openProduct,
  recordStatusHistory,
  sessionIdOf,
  statusHistory,
  waitForStatus,
  waitForStatusInHistory,
} from './support/flows';

const browser = useBrowser();

function product(id: string) {
  const found = catalog.products.find((p) => p.id === id);
  if (!found) throw new Error(`sample product ${id} is not in catalog/catalog.json`);
  return found;
}

describe('pay', () => {
  test('a digital product: the success page reaches fulfilled with the product and a delivery token, and the API agrees', async () => {
    const fieldNotes = product('field-notes');
    expect(fieldNotes.digital).toBe(true);
    const { page } = await browser.newPage();

    await openGrid(page);
    await expect.poll(() => page.locator('[data-buy]').count()).toBe(catalog.products.length);
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'product-grid');

    await clickBuy(page, fieldNotes.id);
    expect(await page.textContent('table')).toContain(fieldNotes.name);
    const sessionId = sessionIdOf(await checkout(page, 'pay'));

    await waitForStatus(page, 'fulfilled');
    const region = page.locator('#order-status');
    expect(await region.textContent()).toContain(fieldNotes.name);
    const token = (await page.locator('#delivery-token').textContent())?.trim() ?? '';
    expect(token).not.toBe('');
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'success-fulfilled');

    const order = await apiOrder(browser.baseUrl, sessionId);
    expect(order).toMatchObject({ id: sessionId, status: 'fulfilled', product: { id: fieldNotes.id } });
    expect(order.deliveryToken).toBe(token);
  });

  test('a physical product bought from its product page: the checkout asks where to ship it; paid, it awaits shipment, without a delivery token', async () => {
    const mug = product('enamel-mug');
    expect(mug.digital).toBe(false);
    const { page } = await browser.newPage();

    await openProduct(page, mug.id);
    await clickBuy(page, mug.id);
    await page.waitForSelector('[data-testid=shipping]');
    await fillShippingAddress(page);
    const sessionId = sessionIdOf(await checkout(page, 'pay'));

    await waitForStatus(page, 'awaiting_shipment');
    expect(await page.locator('#order-status').textContent()).toContain(mug.name);
    expect(await page.locator('#delivery-token').count()).toBe(0);

    const order = await apiOrder(browser.baseUrl, sessionId);
    expect(order).toMatchObject({ id: sessionId, status: 'awaiting_shipment', product: { id: mug.id }, deliveryToken: null });
  });

  test('the success page shows what the worker says, not what the URL says: an unknown session is not found, never fulfilled', async () => {
    const sessionId = 'cs_test_doesnotexist123';
    const { page } = await browser.newPage();
    // The shop has a Stripe key: Stripe does not know the session, so the worker answers a 404 page at once.
    const response = await page.goto(`/success?session_id=${sessionId}`);
    expect(response?.status()).toBe(404);
    expect(await page.getAttribute('#order-status', 'data-status')).toBe('not-found');
    expect(await page.locator('#delivery-token').count()).toBe(0);
    expect(await page.locator('#order-status').textContent()).not.toMatch(/fulfilled|thank you/i);
  });
});

describe('asynchronous payments', () => {
  test('pay later: the status region shows pending first, then fulfilled', async () => {
    const trailMap = product('trail-map-print');
    const { page } = await browser.newPage();

    await recordStatusHistory(page);
    await openGrid(page);
    await clickBuy(page, trailMap.id);
    const sessionId = sessionIdOf(await checkout(page, 'pay_later'));

    await waitForStatusInHistory(page, 'pending');
    await waitForStatus(page, 'fulfilled');
    const history = await statusHistory(page);
    expect(history.indexOf('pending')).toBeGreaterThanOrEqual(0);
    expect(history.indexOf('pending')).toBeLessThan(history.indexOf('fulfilled'));
    expect(history).not.toContain('payment_failed');
    expect((await page.locator('#delivery-token').textContent())?.trim()).not.toBe('');

    const order = await apiOrder(browser.baseUrl, sessionId);
    expect(order).toMatchObject({ status: 'fulfilled', product: { id: trailMap.id } });
  });

  test('fail: the status region shows pending first, then payment_failed, with a way back to the product', async () => {
    const fieldNotes = product('field-notes');
    const { page } = await browser.newPage();

    await recordStatusHistory(page);
    await openGrid(page);
    await clickBuy(page, fieldNotes.id);
    const sessionId = sessionIdOf(await checkout(page, 'fail'));

    await waitForStatusInHistory(page, 'pending');
    await waitForStatus(page, 'payment_failed');
    const history = await statusHistory(page);
    expect(history.indexOf('pending')).toBeGreaterThanOrEqual(0);
    expect(history.indexOf('pending')).toBeLessThan(history.indexOf('payment_failed'));
    expect(history).not.toContain('fulfilled');
    const retry = page.locator(`#order-status a[href="/products/${fieldNotes.id}"]`);
    expect(await retry.count()).toBe(1);
    expect(await page.locator('#delivery-token').count()).toBe(0);

    const order = await apiOrder(browser.baseUrl, sessionId);
    expect(order).toMatchObject({ status: 'payment_failed', deliveryToken: null });
  });
});

describe('cancel', () => {
  test('cancel lands on /cancel?product=… and its link leads back to the product page', async () => {
    const trailMap = product('trail-map-print');
    const { page } = await browser.newPage();

    await openGrid(page);
    await clickBuy(page, trailMap.id);
    const url = await checkout(page, 'cancel');
    expect(url.searchParams.get('product')).toBe(trailMap.id);

    const back = page.locator(`a[href="/products/${trailMap.id}"]`);
    await back.first().waitFor();
    await Promise.all([page.waitForURL((next) => next.pathname === `/products/${trailMap.id}`), back.first().click()]);
    await page.waitForSelector(`[data-product-id="${trailMap.id}"]`);
    expect(await page.textContent('h1')).toContain(trailMap.name);
  });
});
