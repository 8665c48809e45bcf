// The prerendered pages (`npm test` builds dist/ first): one page per catalog product with its
// content and head, the grid in the HTML, sitemap.xml and robots.txt; and a build of a catalog
// whose product names attack the page, which must render as text everywhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, Product } from '../../catalog';
import catalogData from '../../catalog/catalog.json';
import { sitemapUrls } from '../../catalog/sitemap';
import { formatPrice } from '../../catalog/money';
import { siteUrlFrom, storefrontConfig } from '../../vite.config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = path.join(root, 'dist');
const catalog = catalogData as Catalog;
const SITE = 'http://127.0.0.1:8787';
const ATTACK = '</script><script>alert(1)</script>';

const decode = (text: string) =>
  text.replace(/&(#\d+|amp|lt|gt|quot|apos);/g, (_, code: string) =>
    code[0] === '#' ? String.fromCharCode(Number(code.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[code]!,
  );

/** What a built page's HTML says, read with patterns that fit how the build writes it. */
function read(html: string) {
  const meta = (key: string) => {
    const match = new RegExp(`<meta (?:name|property)="${key.replaceAll('.', '\\.')}" content="([^"]*)"`).exec(html);
    return match ? decode(match[1]!) : null;
  };
  const text = (pattern: RegExp) => {
    const match = pattern.exec(html);
    return match ? decode(match[1]!) : null;
  };
  const jsonLd = [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map((match) => JSON.parse(match[1]!) as Record<string, any>);
  return {
    title: text(/<title>([^<]*)<\/title>/),
    description: meta('description'),
    robots: meta('robots'),
    canonical: text(/<link rel="canonical" href="([^"]*)"/),
    meta,
    jsonLd,
    scripts: html.match(/<script\b/g)?.length ?? 0,
    name: text(/<h1 class="product__title">([^<]*)<\/h1>/),
    price: text(/class="price price--large" data-price="[^"]*">([^<]*)</),
    productDescription: text(/<p class="product__description">([^<]*)<\/p>/),
    image: text(/<img class="product__image" src="([^"]*)"/),
    imageAlt: text(/<img class="product__image" src="[^"]*" alt="([^"]*)"/),
    buyHref: text(/<a class="button button--large" data-buy="[^"]*" href="([^"]*)"/),
    buyFormAction: text(/<form class="buy-form" method="post" action="([^"]*)"><button class="button button--large" type="submit" data-buy=/),
  };
}

const page = (file: string) => readFileSync(path.join(dist, file), 'utf8');
const htmlFiles = (dir: string, base = ''): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? htmlFiles(path.join(dir, entry.name), `${base}${entry.name}/`) : entry.name.endsWith('.html') ? [`${base}${entry.name}`] : [],
  );
/** `index.html` → `/`, `products/x.html` → `/products/x`. */
const urlPath = (file: string) => `/${file.replace(/(^|\/)index\.html$/, '').replace(/\.html$/, '')}`;

beforeAll(() => {
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
});

describe('product pages', () => {
  it.each(catalog.products.map((product) => [product.id, product] as const))('%s has its page with its content, canonical, Open Graph and Twitter card', (id, product) => {
    const file = `products/${id}.html`;
    expect(existsSync(path.join(dist, file))).toBe(true);
    const view = read(page(file));
    const url = `${SITE}/products/${id}`;
    const shareImage = `${SITE}${product.shareImage ?? product.image}`;
    expect(view).toMatchObject({
      title: `${product.name} — ${catalog.shopName}`,
      canonical: url,
      robots: null,
      name: product.name,
      price: formatPrice(product.price, product.price.interval ?? null, 'en'),
      productDescription: product.description,
      image: product.image,
      imageAlt: product.imageAlt,
      buyFormAction: `/products/${id}/checkout`, // the sample catalog has no Payment Links yet: the worker's checkout
    });
    expect(view.description).toBe(product.description.length <= 160 ? product.description : expect.stringMatching(/…$/));
    for (const [key, value] of Object.entries({
      'og:type': 'product',
      'og:title': product.name,
      'og:url': url,
      'og:image': shareImage,
      'product:price:amount': (product.price.amount / 100).toFixed(2),
      'product:price:currency': product.price.currency.toUpperCase(),
      'twitter:card': 'summary_large_image',
      'twitter:image': shareImage,
    })) {
      expect(view.meta(key), key).toBe(value);
    }
  });

  it.each(catalog.products.map((product) => [product.id, product] as const))('%s has JSON-LD Product data equal to the catalog’s', (id, product) => {
    const { jsonLd } = read(page(`products/${id}.html`));
    expect(jsonLd).toHaveLength(1);
    const url = `${SITE}/products/${id}`;
    expect(jsonLd[0]).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Product',
      name: product.name,
      description: product.description,
      image: `${SITE}${product.shareImage ?? product.image}`,
      url,
      offers: { '@type': 'Offer', price: (product.price.amount / 100).toFixed(2), priceCurrency: product.price.currency.toUpperCase(), availability: 'https://schema.org/InStock', url },
    });
  });

  it("the grid's card of a subscription says '/ month' as its product page does", () => {
    const card = /<li class="card" data-product-id="field-notes-club">([\s\S]*?)<\/li>/.exec(page('index.html'))?.[1] ?? '';
    expect(card).toContain('data-price="field-notes-club">$5.00 / month</p>');
    expect(read(page('products/field-notes-club.html')).price).toBe('$5.00 / month');
  });

  it('ship a PNG share image for every sample product', () => {
    for (const product of catalog.products) {
      expect(product.shareImage, product.id).toMatch(/\.png$/);
      const png = readFileSync(path.join(dist, product.shareImage!));
      expect(png.subarray(1, 4).toString('latin1'), product.id).toBe('PNG');
    }
  });

  it("the grid lists every product in its HTML with name, price, image, a View link and a Buy form to the worker's checkout", () => {
    const html = page('index.html');
    for (const product of catalog.products) {
      const card = new RegExp(`<li class="card" data-product-id="${product.id}">([\\s\\S]*?)</li>`).exec(html)?.[1] ?? '';
      expect(card, product.id).toContain(`<h3 class="card__title">${product.name}</h3>`);
      expect(card, product.id).toContain(`data-price="${product.id}">${formatPrice(product.price, product.price.interval ?? null, 'en')}</p>`);
      expect(card, product.id).toContain(`src="${product.image}" alt="${product.imageAlt}"`);
      expect(card, product.id).toContain(`href="/products/${product.id}"`);
      expect(card, product.id).toContain(`<form class="buy-form" method="post" action="/products/${product.id}/checkout"><button class="button" type="submit" data-buy="${product.id}">`);
    }
  });
});

describe('indexable pages', () => {
  const isNoindex = (view: { robots?: string | null }) => (view.robots ?? '').split(',').map((part) => part.trim()).includes('noindex');
  const pages = () =>
    htmlFiles(dist)
      .filter((file) => !file.startsWith('_templates/'))
      .map((file) => ({ file, path: urlPath(file), ...read(page(file)) }));

  it('have unique titles and meta descriptions', () => {
    const indexable = pages().filter((view) => !isNoindex(view));
    expect(indexable.length).toBe(catalog.products.length + 1);
    for (const key of ['title', 'description'] as const) {
      const values = indexable.map((view) => view[key]);
      expect(values.every((value) => typeof value === 'string' && value.length > 0), key).toBe(true);
      expect(new Set(values).size, key).toBe(values.length);
    }
  });

  it('cart, success, cancel, 404, the old product URL and the back office are noindex', () => {
    const noindex = pages().filter(isNoindex).map((view) => view.path).sort();
    expect(noindex).toEqual(['/404', '/admin', '/admin/customer', '/admin/health', '/admin/ledger', '/admin/order', '/admin/subscriptions', '/cancel', '/cart', '/product', '/success']);
  });

  it('sitemap.xml lists exactly the indexable pages, by their canonical URLs', () => {
    const listed = sitemapUrls(page('sitemap.xml')).sort();
    const indexable = pages().filter((view) => !isNoindex(view));
    expect(listed).toEqual(indexable.map((view) => view.canonical).sort());
    expect(listed).toEqual(indexable.map((view) => `${SITE}${view.path}`).sort());
  });

  it('robots.txt names the sitemap and keeps crawlers out of the template and the API', () => {
    const robots = page('robots.txt');
    expect(robots).toContain(`Sitemap: ${SITE}/sitemap.xml`);
    expect(robots).toMatch(/^Disallow: \/_templates\/$/m);
    expect(robots).toMatch(/^Disallow: \/api\/$/m);
  });
});

describe('SITE_URL', () => {
  it('defaults to the local address of npm start, and is required for a live build', () => {
    expect(siteUrlFrom({})).toBe(SITE);
    expect(() => siteUrlFrom({ VITE_STRIPE_MODE: 'live' })).toThrow(/SITE_URL must be set for a live build/);
    expect(siteUrlFrom({ VITE_STRIPE_MODE: 'live', SITE_URL: 'https://shop.example/' })).toBe('https://shop.example');
  });

  it.each(['shop.example', 'ftp://shop.example', 'https://shop.example/store', 'https://shop.example/?a=1', 'https://user:pw@shop.example'])('refuses %s', (value) => {
    expect(() => siteUrlFrom({ SITE_URL: value })).toThrow(/SITE_URL/);
  });
});

describe('a catalog whose text attacks the page', () => {
  let outDir: string;
  const attacker: Product = {
    ...catalog.products[0]!,
    id: 'attack',
    name: ATTACK,
    description: `"><img src=x onerror=alert(2)> & ${ATTACK}`,
    imageAlt: `" onload="alert(3)`,
    paymentLinks: { test: { id: 'plink_test_1', url: 'https://buy.stripe.com/test_abc?x="y"' }, live: { id: null, url: null } },
  };
  const built = (file: string) => readFile(path.join(outDir, file), 'utf8');

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'attack-build-'));
    const config = storefrontConfig({ shopName: `Shop <i>${ATTACK}</i>`, products: [attacker] }, { SITE_URL: 'https://shop.example' });
    await build({ ...config, configFile: false, logLevel: 'silent', build: { ...config.build, outDir, emptyOutDir: true } });
  }, 120_000);
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('renders it as text on the product page, in the head and in the JSON-LD', async () => {
    const html = await built('products/attack.html');
    const template = await built('_templates/product.html');
    expect(html.match(/<script\b/g)?.length).toBe(template.match(/<script\b/g)?.length); // no script was added
    expect(html).not.toMatch(/<img src=x|<i>/);
    const view = read(html);
    expect(view).toMatchObject({
      title: `${ATTACK} — Shop <i>${ATTACK}</i>`,
      name: ATTACK,
      productDescription: attacker.description,
      imageAlt: attacker.imageAlt,
      buyHref: 'https://buy.stripe.com/test_abc?x=%22y%22',
    });
    expect(view.meta('og:title')).toBe(ATTACK);
    expect(view.meta('og:description')).toBe(attacker.description);
    expect(html).not.toMatch(/<script type="application\/ld\+json">[^<]*<\/script>[^\n]*<\/script>/);
    expect(view.jsonLd).toHaveLength(1);
    expect(view.jsonLd[0]).toMatchObject({ name: ATTACK, description: attacker.description, offers: { seller: { name: `Shop <i>${ATTACK}</i>` } } });
  });

  it('renders it as text in the grid, and the Buy link points at the Payment Link', async () => {
    const html = await built('index.html');
    expect(html.match(/<script\b/g)?.length).toBe(1);
    expect(html).not.toMatch(/<img src=x|<i>/);
    expect(html).toContain(`<h3 class="card__title">&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;</h3>`);
    expect(html).toContain('data-buy="attack" href="https://buy.stripe.com/test_abc?x=%22y%22"');
  });
});
