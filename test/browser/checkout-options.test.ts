// The seller's checkout options, end to end and offline: a worker with promotion codes and phone
// collection switched on (shipping: the catalog's US, CA and GB), the local Stripe's hosted checkout, the buyer's
// success page and the seller's back office. And Manage subscription, which opens the customer
// portal for the buyer's own subscription.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { AdminOrderDetail } from '../../contract/api';
import { useBrowser } from './support/browser';
import { fillShippingAddress } from './support/shipping-address';
import { parseResponse } from 'hono/client';
import { newBuyer, SYNC_TEST_TOKEN, useLiveShop } from './support/live-shop';
import { shopClient } from './support/shop';
import { signIn } from './support/back-office';

const shop = useLiveShop({
  vars: { CHECKOUT_PROMOTION_CODES: 'true', CHECKOUT_PHONE_NUMBER: 'true' },
  logName: 'checkout-options-worker.log',
});
const browser = useBrowser({ baseUrl: () => shop.baseUrl });

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

/** Adds a catalog product to the cart and follows Checkout to the local Stripe's hosted page; answers the session id. */
async function checkoutWith(page: Page, slug: string): Promise<string> {
  await page.goto('/');
  await page.waitForSelector('#product-grid[data-catalog="live"]');
  await page.click(`[data-add-to-cart="${slug}"]`);
  await Promise.all([page.waitForURL((url) => url.pathname === '/cart'), page.click('a#cart-link')]);
  const fakeOrigin = new URL(shop.fake.url).origin;
  await Promise.all([page.waitForURL((url) => url.origin === fakeOrigin && url.pathname.startsWith('/pay/')), page.click('button#checkout:enabled')]);
  return new URL(page.url()).pathname.split('/').pop()!;
}

async function adminOrder(sessionId: string): Promise<AdminOrderDetail> {
  const response = await shopClient(shop.baseUrl, { authorization: `Bearer ${SYNC_TEST_TOKEN}` }).api.admin.orders[':id'].$get({ param: { id: sessionId } });
  expect(response.status).toBe(200);
  return parseResponse(response);
}

describe('checkout options', () => {
  test('a promotion code reduces the total on the checkout, the success page shows the discount, and the order records it', async () => {
    const coupon = await shop.stripe.coupons.create({ percent_off: 25, duration: 'once' });
    const code = await shop.stripe.promotionCodes.create({ code: 'FIELD25', promotion: { type: 'coupon', coupon: coupon.id } });
    const { page, errors } = await browser.newPage();
    const sessionId = await checkoutWith(page, 'field-notes');
    expect(await text(page, '[data-testid=total]')).toBe('$12.00');
    expect(await page.locator('[data-testid=shipping]').count()).toBe(0); // a digital product ships nothing

    await page.fill('input[name=promotion_code]', 'field25');
    await page.click('button[name=action][value=apply]');
    await page.waitForSelector('[data-testid=discount]');
    expect(await text(page, '[data-testid=discount]')).toBe('Discount: −$3.00');
    expect(await text(page, '[data-testid=total]')).toBe('$9.00');
    await page.fill('input[name=phone]', '+1 603 555 0147');
    await Promise.all([page.waitForURL((url) => url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    expect(await text(page, '[data-discount]')).toBe('−$3.00');
    expect(await text(page, '#order-status .order-summary')).toContain('$9.00');

    expect(await shop.order(sessionId)).toMatchObject({ status: 'fulfilled', amountTotal: 900, amountDiscount: 300 });
    const seller = await adminOrder(sessionId);
    expect(seller.discount).toEqual({ amount: 300, promotionCode: code.id, coupon: coupon.id });
    expect(seller.phone).toBe('+1 603 555 0147');
    expect(seller.shipping).toBeNull();
    // The local Stripe's pages have no favicon: only the shop's own errors count.
    expect(errors.filter((error) => !error.includes(shop.fake.url))).toEqual([]);
  });

  test('a physical product asks for a shipping address in the allowed countries; the seller sees it in the back office, the buyer’s order API never shows it', async () => {
    const { page } = await browser.newPage();
    const sessionId = await checkoutWith(page, 'enamel-mug');
    expect(shop.fake.get(sessionId)).toMatchObject({ shipping_address_collection: { allowed_countries: ['US', 'CA', 'GB'] }, phone_number_collection: { enabled: true } });
    await page.waitForSelector('[data-testid=shipping]');
    expect(await page.locator('select[name=shipping_country] option').allTextContents()).toEqual(['US', 'CA', 'GB']);

    // Pay without an address: refused on the checkout page, nothing paid.
    await page.fill('input[name=phone]', '+1 603 555 0147');
    await page.click('button[name=action][value=pay]');
    await page.waitForSelector('[data-testid=error]');
    expect(await text(page, '[data-testid=error]')).toMatch(/shipping address needs name/);
    expect(shop.fake.get(sessionId)).toMatchObject({ status: 'open' });

    await fillShippingAddress(page);
    await page.fill('input[name=phone]', '+1 603 555 0147');
    await Promise.all([page.waitForURL((url) => url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    // The mug is physical: paid, it awaits the seller's shipment.
    await page.waitForSelector('#order-status[data-status="awaiting_shipment"]', { timeout: 30_000 });
    expect(await text(page, '#order-status')).not.toContain('Harbour Lane');

    const buyerSees = JSON.stringify(await shop.order(sessionId));
    for (const secret of ['Ada Lovelace', 'Harbour Lane', '03801', '555 0147']) expect(buyerSees).not.toContain(secret);
    const seller = await adminOrder(sessionId);
    expect(seller.shipping).toEqual({ name: 'Ada Lovelace', line1: '12 Harbour Lane', line2: null, city: 'Portsmouth', state: 'NH', postalCode: '03801', country: 'US' });
    expect(seller.phone).toBe('+1 603 555 0147');

    // The back office's order page shows the address.
    const { page: admin } = await browser.newPage();
    await signIn(admin, `/admin/order?id=${sessionId}`, SYNC_TEST_TOKEN);
    await admin.waitForSelector('#shipping-address');
    expect(await admin.locator('#shipping-address').innerText()).toBe('Ada Lovelace\n12 Harbour Lane\n03801 Portsmouth\nNH\nUS');
    expect(await text(admin, '#order-phone')).toBe('+1 603 555 0147');
  });
});

describe('Manage subscription', () => {
  test('on a subscription’s success page, the button opens the customer portal of the buyer’s own customer', async () => {
    const { stripe, fake } = shop;
    const product = await stripe.products.create({ name: 'Field Notes Club' });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 500, currency: 'usd', recurring: { interval: 'month' } });
    await shop.settle();
    await shop.waitForCatalog('the recurring price', (catalog) => catalog.products.some((p) => p.prices.some((pr) => pr.id === price.id)));

    // The buyer's browser holds its id and secret, as the storefront stores them at its first Buy;
    // the session is started for that id.
    const buyer = newBuyer();
    const { page, errors } = await browser.newPage();
    await page.goto('/');
    await page.evaluate(({ id, secret }) => {
      localStorage.setItem('storefront.clientReferenceId', id);
      localStorage.setItem('storefront.buyerSecret', secret);
    }, buyer);
    await page.waitForSelector('#product-grid[data-catalog="live"]');
    const clientReferenceId = buyer.id;
    const started = await parseResponse(shopClient(shop.baseUrl).api.checkout.$post({ json: { items: [{ price: price.id, quantity: 1 }], clientReferenceId, email: 'club@example.com' } }));
    if (!('url' in started)) throw new Error(`expected a hosted checkout, got ${JSON.stringify(started)}`);
    const sessionId = started.url.split('/').pop()!;
    const paid = await fake.completeCheckoutSession(sessionId, { phone: '+1 603 555 0147' });
    await shop.settle();

    await page.goto(`/success?session_id=${sessionId}`);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    await Promise.all([page.waitForURL((url) => url.origin === new URL(fake.url).origin && url.pathname.startsWith('/portal/')), page.click('button#manage-subscription')]);
    expect(await text(page, '[data-testid=portal-customer]')).toBe(`Customer ${paid.customer}`);
    expect(await page.locator(`li[data-subscription="${paid.subscription}"]`).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  test('a one-time order has no Manage subscription button', async () => {
    const { page } = await browser.newPage();
    const sessionId = await checkoutWith(page, 'field-notes');
    await page.fill('input[name=phone]', '+1 603 555 0147');
    await Promise.all([page.waitForURL((url) => url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    expect(await page.locator('button#manage-subscription').count()).toBe(0);
    expect((await shop.order(sessionId)).status).toBe('fulfilled');
  });
});
