// `npm start` with its defaults, and a physical product (issue 23): the mug's Buy asks for an
// address on the local Stripe's hosted page and offers the catalog's shipping rates; paid, the
// buyer's page says it awaits shipment; the seller marks it shipped with a tracking number in the
// back office; the buyer's page then shows the carrier and the tracking number.
import { describe, expect, test } from 'vitest';
import { parseResponse } from 'hono/client';
import { screenshot, useBrowser } from './support/browser';
import { useNpmStart } from './support/npm-start';
import { fillShippingAddress } from './support/shipping-address';
import { signIn } from './support/back-office';

const shop = useNpmStart({ name: 'shipping' });
const browser = useBrowser({ baseUrl: () => shop.shopUrl() });

const TRACKING = '1Z999AA10123456784';
let sessionId = '';

describe('npm start: a physical product ships', () => {
  test('the mug’s Buy asks for an address on the local Stripe’s hosted page and shows the shipping rates; the chosen rate is in the total', async () => {
    const { page } = await browser.newPage();
    await page.goto('/products/enamel-mug');
    await Promise.all([page.waitForURL((url) => url.origin === shop.stripeUrl() && url.pathname.startsWith('/pay/')), page.click('[data-buy="enamel-mug"]')]);
    sessionId = new URL(page.url()).pathname.split('/').pop()!;
    await page.waitForSelector('[data-testid=shipping]');
    expect(await page.locator('select[name=shipping_country] option').allTextContents()).toEqual(['US', 'CA', 'GB']);
    expect(await page.locator('[data-testid=shipping-rate]').allTextContents()).toEqual(['Standard — $5.00 (3–7 business days)', 'Express — $15.00 (1–2 business days)']);
    expect(await page.textContent('[data-testid=shipping-cost]')).toBe('$5.00');
    expect(await page.textContent('[data-testid=total]')).toBe('$23.00');

    await page.check('input[name=shipping_rate] >> nth=1');
    await page.click('button[name=action][value=shipping]');
    await page.waitForFunction(() => document.querySelector('[data-testid=total]')?.textContent === '$33.00');
    await page.fill('input[name=email]', 'ada@example.com');
    await fillShippingAddress(page);
    await Promise.all([page.waitForURL((url) => url.origin === shop.shopUrl() && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);

    // Paid: the buyer's page says it awaits shipment, with what shipping cost.
    await page.waitForSelector('#order-status[data-status="awaiting_shipment"]', { timeout: 60_000 });
    expect(await page.textContent('#order-status .status-title')).toContain('Paid — awaiting shipment');
    expect(await page.textContent('[data-shipping-amount]')).toBe('$15.00');
    expect(await page.textContent('#shipment')).toContain('The tracking number appears here once the seller ships your order.');
    await screenshot(page, 'npm-start-shipping-awaiting');
    const order = await parseResponse(shop.api().orders[':sessionId'].$get({ param: { sessionId } }));
    expect(order).toMatchObject({ status: 'awaiting_shipment', amountTotal: 3300, shipment: { amount: 1500, trackingNumber: null } });
  });

  test('the seller marks it shipped in the back office with a tracking number; the buyer’s page shows the carrier, the number and the carrier’s tracking link', async () => {
    expect(sessionId).not.toBe('');
    const { page: admin } = await browser.newPage();
    await signIn(admin, `/admin/order?id=${sessionId}`, shop.backOffice().authorization);
    await admin.waitForSelector('#shipping-address');
    expect(await admin.textContent('#order-shipping-amount')).toBe('$15.00');
    await admin.fill('#ship-carrier', 'UPS');
    await admin.fill('#ship-tracking', TRACKING);
    await admin.click('#mark-shipped');
    await admin.waitForSelector('#notice .notice--ok');
    expect(await admin.textContent('#order-status')).toBe('shipped');
    expect(await admin.textContent('#order-shipment')).toContain(TRACKING);
    await admin.waitForSelector('#mark-delivered');
    await screenshot(admin, 'npm-start-shipping-back-office');
    const detail = await parseResponse(shop.admin().orders[':id'].$get({ param: { id: sessionId } }));
    expect(detail.actions.map((action) => action.action)).toEqual(['marked_shipped']);

    const { page } = await browser.newPage();
    await page.goto(`/success?session_id=${sessionId}`);
    await page.waitForSelector('#order-status[data-status="shipped"]', { timeout: 30_000 });
    expect(await page.textContent('#order-status .status-title')).toContain('Shipped — your order is on its way');
    expect(await page.textContent('#shipment')).toContain('UPS');
    expect(await page.textContent('#tracking-number')).toBe(TRACKING);
    expect(await page.getAttribute('#tracking-link', 'href')).toBe(`https://www.ups.com/track?tracknum=${TRACKING}`);
    await screenshot(page, 'npm-start-shipping-shipped');
  });
});
