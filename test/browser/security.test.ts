// What the static site sends and loads: security headers from dist/_headers as served by
// the worker's static assets, no request leaving the machine, no console errors.
import { describe, expect, test } from 'vitest';
import { useBrowser } from './support/browser';
import { checkout, clickBuy, openGrid, openProduct, waitForStatus } from './support/flows';

const browser = useBrowser();

/** Each page, and its status: the order page of an unrecorded session is the worker's 404 (it may still come by webhook). */
const STATIC_PAGES: [path: string, status: number][] = [
  ['/', 200],
  ['/products/field-notes', 200],
  ['/success?session_id=cs_test_doesnotexist123', 404],
  ['/cancel?product=field-notes', 200],
];

describe('security headers on the static pages', () => {
  test.each(STATIC_PAGES)('%s (%i)', async (path, status) => {
    const response = await fetch(`${browser.baseUrl}${path}`, { redirect: 'manual' });
    await response.arrayBuffer();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);

    const csp = response.headers.get('content-security-policy');
    expect(csp, 'Content-Security-Policy').toBeTruthy();
    expect(csp).toMatch(/(^|;)\s*default-src 'self'/);
    expect(csp).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|;)\s*frame-ancestors 'none'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBeTruthy();
  });

  test('the browser receives them on navigation too', async () => {
    const { page } = await browser.newPage();
    const response = await page.goto('/');
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toBeTruthy();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBeTruthy();
  });
});

describe('the page stays on this machine', () => {
  test('every request during a purchase goes to 127.0.0.1 (the worker and the local Stripe)', async () => {
    const { page, requests } = await browser.newPage();

    await openGrid(page);
    await page.waitForLoadState('networkidle');
    await openProduct(page, 'field-notes');
    await page.waitForLoadState('networkidle');
    await clickBuy(page, 'field-notes');
    await checkout(page, 'pay');
    await waitForStatus(page, 'fulfilled');
    await page.waitForLoadState('networkidle');

    expect(requests.length).toBeGreaterThan(0);
    const offHost = requests.filter((url) => {
      const { protocol, hostname } = new URL(url);
      if (protocol === 'data:' || protocol === 'blob:') return false; // not network requests
      return hostname !== '127.0.0.1';
    });
    expect(offHost).toEqual([]);
  });
});

describe('no console errors', () => {
  test('on the product grid', async () => {
    const { page, errors } = await browser.newPage();
    await openGrid(page);
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });

  test.each(['field-notes', 'trail-map-print', 'enamel-mug'])('on the product page of %s', async (id) => {
    const { page, errors } = await browser.newPage();
    await openProduct(page, id);
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });
});
