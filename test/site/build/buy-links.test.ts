// A live build must not ship a Buy that cannot take a payment: without a live Payment Link, Buy
// goes to the worker's checkout, which sells only with a live key on the worker. The build refuses,
// naming each product and both fixes, unless WORKER_CHECKOUT=true says the worker has one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../catalog';
import catalogData from '../../../catalog/catalog.json';
import { BUILD_RECORD } from '../../../site/build/build-record';
import { storefrontConfig } from '../../../vite.config';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const shipped = catalogData as Catalog;
const LIVE = { VITE_STRIPE_MODE: 'live', SITE_URL: 'https://shop.example' };
const withLiveLink = (id: string): Catalog => ({
  ...shipped,
  products: shipped.products.map((product) =>
    product.id === id ? { ...product, paymentLinks: { ...product.paymentLinks, live: { id: 'plink_live_1', url: 'https://buy.stripe.com/live_1' } } } : product,
  ),
});

/** Attributes of an HTML start tag, as written (the build writes only double-quoted values). */
const attributes = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));

/**
 * Every Buy of a built page by product id: a link (`<a data-buy href>`), or a submit button
 * (`<button type="submit" data-buy>`) and the `<form>` it submits.
 */
function buyControls(html: string): Record<string, Record<string, string>> {
  const controls: Record<string, Record<string, string>> = {};
  for (const match of html.matchAll(/<(a|button)\b[^>]*\bdata-buy="[^"]*"[^>]*>/g)) {
    const tag = attributes(match[0]);
    const id = tag['data-buy']!;
    if (match[1] === 'a') {
      controls[id] = { method: 'get', href: tag.href ?? '', control: 'link' };
      continue;
    }
    const before = html.slice(0, match.index);
    const formStart = before.lastIndexOf('<form');
    const open = formStart > before.lastIndexOf('</form>') ? attributes(before.slice(formStart, before.indexOf('>', formStart) + 1)) : {};
    controls[id] = { method: open.method ?? '(no form)', action: open.action ?? '', control: tag.type ?? '(no type)' };
  }
  return controls;
}

describe('a live build without live Payment Links', () => {
  it('is refused, naming every product without one and both fixes', () => {
    expect(shipped.products.every((product) => !product.paymentLinks.live.url)).toBe(true);
    let message = '';
    try {
      storefrontConfig(shipped, LIVE);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const product of shipped.products) expect(message).toContain(`  - ${product.id} (${product.name})`);
    expect(message).toContain('paymentLinks.live in catalog/catalog.json');
    expect(message).toContain('WORKER_CHECKOUT=true');
    expect(message).toContain('STRIPE_SECRET_KEY');
  });

  it('names only the products that lack one', () => {
    expect(() => storefrontConfig(withLiveLink('enamel-mug'), LIVE)).toThrow(/3 of 4 products have no live Payment Link/);
    expect(() => storefrontConfig(withLiveLink('enamel-mug'), LIVE)).not.toThrow(/- enamel-mug/);
  });

  it("is not refused in test mode, where Buy falls back to the worker's checkout (its worker has a test key)", () => {
    expect(() => storefrontConfig(shipped, { VITE_STRIPE_MODE: 'test' })).not.toThrow();
  });

  it.each(['yes', '1', 'TRUE'])('refuses WORKER_CHECKOUT=%s (only "true" or "false")', (value) => {
    expect(() => storefrontConfig(shipped, { ...LIVE, WORKER_CHECKOUT: value })).toThrow(/WORKER_CHECKOUT must be "true" or "false"/);
  });

  it('`vite build` exits non-zero naming each product, and writes nothing', () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'live-refused-'));
    try {
      const vite = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--configLoader', 'runner', '--outDir', outDir], {
        cwd: root,
        env: { ...process.env, ...LIVE, WORKER_CHECKOUT: '', NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(vite.status).not.toBe(0);
      for (const product of shipped.products) expect(vite.stderr).toContain(`  - ${product.id} (${product.name})`);
      expect(existsSync(path.join(outDir, 'index.html'))).toBe(false);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe('a live build with WORKER_CHECKOUT=true', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'live-worker-checkout-'));
    const config = storefrontConfig(withLiveLink('enamel-mug'), { ...LIVE, WORKER_CHECKOUT: 'true' });
    await build({ ...config, configFile: false, logLevel: 'silent', build: { ...config.build, outDir, emptyOutDir: true } });
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("sends Buy of each product without a live link to the worker's checkout as a form POST with a submit button, on the grid and on its page, and keeps the Payment Link of the one that has it", () => {
    const grid = readFileSync(path.join(outDir, 'index.html'), 'utf8');
    const post = (id: string) => ({ method: 'post', action: `/products/${id}/checkout`, control: 'submit' });
    expect(buyControls(grid)).toEqual({
      'field-notes': post('field-notes'),
      'trail-map-print': post('trail-map-print'),
      'enamel-mug': { method: 'get', href: 'https://buy.stripe.com/live_1', control: 'link' },
      'field-notes-club': post('field-notes-club'),
    });
    for (const id of ['field-notes', 'trail-map-print', 'field-notes-club']) {
      const page = readFileSync(path.join(outDir, `products/${id}.html`), 'utf8');
      expect(buyControls(page), id).toEqual({ [id]: post(id) });
      // A GET there starts nothing (it answers 303 to the product page): no link may lead to it.
      for (const html of [grid, page]) expect(html, id).not.toMatch(new RegExp(`href="[^"]*/products/${id}/checkout`));
    }
  });

  it('records itself as fit to deploy, and keeps the record out of the uploaded assets', () => {
    expect(JSON.parse(readFileSync(path.join(outDir, BUILD_RECORD), 'utf8'))).toEqual({ stripeMode: 'live', siteUrl: 'https://shop.example', notForDeploy: [] });
    expect(readFileSync(path.join(outDir, '.assetsignore'), 'utf8').split('\n')).toContain(BUILD_RECORD);
  });
});
