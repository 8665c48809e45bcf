// The shop as a crawler, a link preview and a shopper without JavaScript see it: product pages
// and the grid carry their content in the HTML, Buy is plain HTML (a Payment Link, or a form to
// the worker's checkout); with JavaScript on, the enhancements move nothing on the page.
import type { Page } from 'playwright-core';
import { describe, expect, inject, test } from 'vitest';
import catalogData from '../../catalog/catalog.json';
import type { Catalog } from '../../catalog';
import { useBrowser } from './support/browser';
import { clickBuy } from './support/flows';
import { layoutShifts, recordLayoutShifts } from './support/layout-shift';

const browser = useBrowser();
const catalog = catalogData as Catalog;
const fieldNotes = catalog.products.find((product) => product.id === 'field-notes')!;
/** The layout-shift budget of the issue: CLS ≤ 0.01. */
const CLS_BUDGET = 0.01;
const PHONE = { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true };

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
/** How Buy of `id` works: a link's href, or the method and action of the form its button submits. */
const buyOf = (page: Page, scope: string, id: string) =>
  page.$eval(`${scope} [data-buy="${id}"]`, (control) =>
    control instanceof HTMLButtonElement && control.form
      ? { method: control.form.getAttribute('method'), action: control.form.getAttribute('action'), type: control.type }
      : { href: control.getAttribute('href') },
  );
/** Buy as the build renders it for a product: its test Payment Link, else a form POSTing to the worker's checkout. */
const expectedBuy = (product: Catalog['products'][number]) =>
  product.paymentLinks.test.url ? { href: product.paymentLinks.test.url } : { method: 'post', action: `/products/${product.id}/checkout`, type: 'submit' };

/** The image finished loading and has pixels. */
const imageLoaded = (page: Page, selector: string) =>
  page.$eval(selector, (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0);

describe('without JavaScript', () => {
  test('the grid shows every product’s name, price and image, with Buy to the checkout', async () => {
    const { page } = await browser.newPage({ javaScriptEnabled: false });
    await page.goto('/');
    for (const product of catalog.products) {
      const card = `#product-grid [data-product-id="${product.id}"]`;
      expect(await text(page, `${card} .card__title`)).toBe(product.name);
      // A subscription's price says its interval, as its own page does.
      const money = new Intl.NumberFormat('en', { style: 'currency', currency: product.price.currency }).format(product.price.amount / 100);
      expect(await text(page, `${card} [data-price]`)).toBe(product.price.interval ? `${money} / ${product.price.interval}` : money);
      expect(await page.getAttribute(`${card} img`, 'alt')).toBe(product.imageAlt);
      expect(await imageLoaded(page, `${card} img`)).toBe(true);
      expect(await buyOf(page, card, product.id)).toEqual(expectedBuy(product));
    }
  });

  test('a product page shows name, price, description and image, and its Buy reaches the checkout', async () => {
    const { page } = await browser.newPage({ javaScriptEnabled: false });
    const response = await page.goto(`/products/${fieldNotes.id}`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe(`${fieldNotes.name} — ${catalog.shopName}`);
    expect(await text(page, 'h1')).toBe(fieldNotes.name);
    expect(await text(page, '.product [data-price]')).toBe('$12.00');
    expect(await text(page, '.product__description')).toBe(fieldNotes.description);
    expect(await imageLoaded(page, 'img.product__image')).toBe(true);
    // The sample catalog has no Payment Links yet: Buy is a form to the worker's checkout, which sends the buyer on to the local Stripe's.
    expect(await buyOf(page, '.product', fieldNotes.id)).toEqual(expectedBuy(fieldNotes));
    const stripeOrigin = new URL(inject('localStripeUrl')).origin;
    await Promise.all([page.waitForURL((url) => url.origin === stripeOrigin && url.pathname.startsWith('/pay/')), page.click(`[data-buy="${fieldNotes.id}"]`)]);
    expect(await page.textContent('table')).toContain(fieldNotes.name);
    expect(await page.locator('button[name="action"][value="pay"]').count()).toBe(1);
  });
});

describe('what curl sees', () => {
  test('a product URL answers its name, price, description, canonical, Open Graph and JSON-LD', async () => {
    const response = await fetch(`${browser.baseUrl}/products/${fieldNotes.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const part of [
      `<h1 class="product__title">${fieldNotes.name}</h1>`,
      '>$12.00</p>',
      fieldNotes.description,
      `<link rel="canonical" href="http://127.0.0.1:8787/products/${fieldNotes.id}" />`,
      '<meta property="og:type" content="product" />',
      `<meta property="og:title" content="${fieldNotes.name}" />`,
      '<meta property="product:price:amount" content="12.00" />',
      '<script type="application/ld+json">',
    ]) {
      expect(html).toContain(part);
    }
  });

  test('the old /product?id= URL answers 301 to /products/<id>', async () => {
    const response = await fetch(`${browser.baseUrl}/product?id=${fieldNotes.id}`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(new URL(response.headers.get('location')!, browser.baseUrl).pathname).toBe(`/products/${fieldNotes.id}`);
  });

  test('sitemap.xml and robots.txt are served; an unknown product is a noindex 404', async () => {
    const sitemap = await fetch(`${browser.baseUrl}/sitemap.xml`);
    expect(sitemap.status).toBe(200);
    expect(await sitemap.text()).toContain(`<loc>http://127.0.0.1:8787/products/${fieldNotes.id}</loc>`);
    const robots = await fetch(`${browser.baseUrl}/robots.txt`);
    expect(await robots.text()).toContain('Sitemap: http://127.0.0.1:8787/sitemap.xml');
    const missing = await fetch(`${browser.baseUrl}/products/no-such-product`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<meta name="robots" content="noindex" />');
  });
});

describe('with JavaScript', () => {
  test.each([
    ['the grid, desktop', '/', {}],
    ['a product page, desktop', `/products/${fieldNotes.id}`, {}],
    ['the grid, phone', '/', PHONE],
    ['a product page, phone', `/products/${fieldNotes.id}`, PHONE],
  ] as const)('%s: layout shift stays within 0.01 once the live catalog has loaded', async (_, path, options) => {
    const { page, errors } = await browser.newPage(options);
    await recordLayoutShifts(page);
    // The grid asks for the whole live catalog, a product page for its own product.
    const live = path === '/' ? '/api/catalog' : `/api/catalog/products/${fieldNotes.id}`;
    await Promise.all([page.waitForResponse((response) => new URL(response.url()).pathname === live), page.goto(path)]);
    await page.waitForLoadState('networkidle');
    const shifts = await layoutShifts(page);
    expect(shifts.total, JSON.stringify(shifts.shifts)).toBeLessThanOrEqual(CLS_BUDGET);
    expect(errors).toEqual([]);
    // Buy now carries the buyer's reference (clickBuy checks the Checkout Session's).
    await clickBuy(page, fieldNotes.id);
  });

  test('the measurement sees a shift: a banner inserted above the products counts more than 0.01', async () => {
    const { page } = await browser.newPage();
    await recordLayoutShifts(page);
    await page.goto('/');
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => {
      const banner = document.createElement('p');
      banner.style.height = '200px';
      document.querySelector('main')?.prepend(banner);
    });
    expect((await layoutShifts(page)).total).toBeGreaterThan(CLS_BUDGET);
  });
});
