// The storefront's Vite plugin: every page shares site/partials; the grid and one page per
// product (/products/<id>) are prerendered from the catalog, with their head (title,
// description, canonical, Open Graph, Twitter card, JSON-LD); sitemap.xml, robots.txt,
// _headers and the build's record (./build-record.ts) are written next to them. The worker
// renders products that exist only in Stripe from the same template (dist/_templates/product.html)
// with HTMLRewriter.
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { filesOf, PRODUCT_SLUG, productPath, type Catalog, type Product, type StripeMode } from '../../catalog';
import { buyHtml, escapeHtml, productPageBuyHtml, productPageFields, type ProductPageFields, type SiteInfo } from '../../catalog/product-page';
import { shippingProblems } from '../../catalog/shipping';
import { robotsTxt, sitemapXml } from '../../catalog/sitemap';
import { buyAction } from '../src/checkout-link';
import { formatPrice } from '../../catalog/money';
import { MAX_QUANTITY, MIN_QUANTITY } from '../../contract/limits';
import { BUILD_RECORD, buildRecord } from './build-record';
import { checkLiveBuyLinks } from './buy-links';

export interface StorefrontOptions {
  /** site/, absolute. */
  root: string;
  catalog: Catalog;
  site: SiteInfo;
  mode: StripeMode;
  /** Normalized `VITE_API_BASE` (`''` on the worker's own origin). */
  apiBase: string;
  /** `WORKER_CHECKOUT=true`: the worker has a live key, so a live build may send Buy to its checkout (./buy-links.ts). */
  workerCheckout: boolean;
  /** Built for npm start's local Stripe (`VITE_LOCAL_STRIPE`): recorded, so a deploy refuses it. */
  localStripe: boolean;
  /** Sent with every page (dist/_headers). */
  headers: Record<string, string>;
  /** Per path, headers that replace those of every page (the cart's CSP for Embedded Checkout). */
  pageHeaders?: Record<string, Record<string, string>>;
}

/** Where the worker finds the product template (and nobody else: the worker answers 404 there). */
export const PRODUCT_TEMPLATE = '_templates/product.html';
/** Pages listed in the sitemap besides the products; cart, success, cancel and the rest are noindex. */
const INDEXABLE_PAGES = ['/'];

/** Replaces `{{name}}` with escaped values; an unknown name is a template bug and throws. */
export function fill(template: string, values: Record<string, string | null>, raw: ReadonlySet<string> = new Set()): string {
  return template.replace(/\{\{(\w+)\}\}/g, (token, name: string) => {
    const value = values[name];
    if (value === undefined || value === null) throw new Error(`template placeholder ${token} has no value`);
    return raw.has(name) ? value : escapeHtml(value);
  });
}

/** The page fields of a catalog product, as the build shows it. */
export function catalogPageFields(product: Product, options: Pick<StorefrontOptions, 'site' | 'mode' | 'apiBase'>): ProductPageFields {
  return productPageFields(
    {
      id: product.id,
      name: product.name,
      description: product.description,
      image: product.image,
      imageAlt: product.imageAlt,
      shareImage: product.shareImage ?? null,
      price: product.price,
      interval: product.price.interval ?? null,
      digital: product.digital,
      buy: buyAction(product, options),
    },
    options.site,
  );
}

/**
 * Placeholders the worker fills with HTMLRewriter; what the template shows if one were missed.
 * The canonical link holds the site URL, which the worker reads before filling it. No Buy: the
 * worker writes it when it can sell the product.
 */
function templateFields(site: SiteInfo): ProductPageFields {
  const names: (keyof ProductPageFields)[] = [
    'id', 'title', 'summary', 'url', 'name', 'description', 'price', 'priceAmount', 'priceCurrency',
    'image', 'imageAlt', 'shareImage', 'kind', 'finePrint', 'jsonLd',
  ];
  const fields = Object.fromEntries(names.map((name) => [name, `{{${name}}}`])) as unknown as ProductPageFields;
  // Vite resolves image URLs in HTML: a real public file keeps the template buildable.
  return { ...fields, url: `${site.url}/`, image: '/images/product.svg', jsonLd: '{}', buy: null };
}

/** Values written into the template as HTML: the JSON-LD (escaped for a script) and Buy (`buyHtml`). */
const RAW_TEMPLATE_VALUES = new Set(['jsonLd', 'buy']);

/** The product template filled for one page (or with the worker's placeholders). */
function productPage(template: string, fields: ProductPageFields, shopName: string): string {
  const { buy, ...text } = fields;
  return fill(template, { ...text, buy: buy ? productPageBuyHtml(buy, fields.id) : '', shopName }, RAW_TEMPLATE_VALUES);
}

function productCard(product: Product, options: StorefrontOptions): string {
  const e = escapeHtml;
  const buy = buyHtml(buyAction(product, options), { id: product.id, className: 'button', labelHtml: `Buy<span class="visually-hidden"> ${e(product.name)}</span>` });
  return `
          <li class="card" data-product-id="${e(product.id)}">
            <img class="card__image" src="${e(product.image)}" alt="${e(product.imageAlt)}" width="400" height="300" decoding="async" />
            <div class="card__body">
              <h3 class="card__title">${e(product.name)}</h3>
              <p class="card__description">${e(product.description)}</p>
              <div class="card__footer">
                <p class="price" data-price="${e(product.id)}">${e(formatPrice(product.price, product.price.interval ?? null, options.site.locale))}</p>
                <div class="card__actions">
                  <a class="button button--secondary" href="${e(productPath(product.id))}" data-view="${e(product.id)}">View<span class="visually-hidden"> ${e(product.name)}</span></a>
                  ${buy}
                </div>
              </div>
            </div>
          </li>`;
}

/** Catalog mistakes that would make broken pages, found at build: throws naming the first. */
export function checkCatalog(catalog: Catalog): void {
  const seen = new Set<string>();
  for (const [index, product] of catalog.products.entries()) {
    const where = `catalog/catalog.json products[${index}] (${JSON.stringify(product.id)})`;
    if (!PRODUCT_SLUG.test(product.id)) throw new Error(`${where}: id must be 1–100 characters of A-Z, a-z, 0-9, _ or - (it is the page's URL)`);
    if (seen.has(product.id)) throw new Error(`${where}: id is used twice`);
    seen.add(product.id);
    if (!Number.isSafeInteger(product.price.amount) || product.price.amount < 0) throw new Error(`${where}: price.amount must be a whole number of minor units`);
    if (!/^[A-Za-z]{3}$/.test(product.price.currency)) throw new Error(`${where}: price.currency must be a 3-letter ISO code`);
    // The worker refuses a cart line over maxQuantity; a limit the cart could never reach, or below one, is a typo.
    if (product.maxQuantity !== undefined && (!Number.isInteger(product.maxQuantity) || product.maxQuantity < MIN_QUANTITY || product.maxQuantity > MAX_QUANTITY)) {
      throw new Error(`${where}: maxQuantity must be a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}`);
    }
    for (const [at, file] of (product.periodFiles ?? []).entries()) {
      // A renewal is what delivers a later period's file: a one-time product has none.
      if (!product.price.interval) throw new Error(`${where}: periodFiles need a subscription (price.interval): a one-time product has no later periods`);
      if (!Number.isInteger(file.period) || file.period < 1) throw new Error(`${where}: periodFiles[${at}].period must be a whole number from 1 (1: the period bought at checkout)`);
      if (typeof file.key !== 'string' || !file.key || typeof file.name !== 'string' || !file.name) throw new Error(`${where}: periodFiles[${at}] needs a key and a name, as files do`);
      if (filesOf(product).filter((other) => other.key === file.key).length > 1) throw new Error(`${where}: periodFiles[${at}].key ${file.key} is named twice`);
    }
    if (product.shareImage !== undefined && !/\.(png|jpe?g|webp|gif)$/i.test(product.shareImage)) {
      throw new Error(`${where}: shareImage must be a raster image (PNG, JPEG, WebP or GIF): link previews do not show SVG`);
    }
  }
  // A physical product's Buy must ask an address somewhere it ships to, and offer rates Stripe takes.
  const [shipping] = shippingProblems(catalog);
  if (shipping) throw new Error(shipping);
}

export function storefront(options: StorefrontOptions): Plugin {
  const { root, catalog, site, mode, headers } = options;
  checkCatalog(catalog);
  checkLiveBuyLinks(catalog, options);
  const productTemplate = () => readFileSync(`${root}/templates/product.html`, 'utf8');
  const virtualPages = new Map<string, () => string>([
    [`${root}/${PRODUCT_TEMPLATE}`, () => productPage(productTemplate(), templateFields(site), catalog.shopName)],
    ...catalog.products.map((product) => [
      `${root}/products/${product.id}.html`,
      () => productPage(productTemplate(), catalogPageFields(product, options), catalog.shopName),
    ] as const),
  ]);

  return {
    name: 'storefront',
    // Product pages are HTML entries that exist only here; Vite then builds them like files.
    resolveId: (id) => (virtualPages.has(id) ? id : null),
    load: (id) => virtualPages.get(id)?.() ?? null,
    transformIndexHtml: {
      order: 'pre',
      handler: (html) =>
        html
          .replace(/^( *)<!-- partial:(\w+) -->\n/gm, (_, indent: string, name: string) =>
            readFileSync(`${root}/partials/${name}.html`, 'utf8').replace(/^(?=.)/gm, indent),
          )
          .replace(/^ *<!-- products -->\n/m, () => `${catalog.products.map((product) => productCard(product, options)).join('')}\n`)
          .replaceAll('{{shopName}}', escapeHtml(catalog.shopName))
          .replaceAll('{{siteUrl}}', escapeHtml(site.url))
          .replaceAll('{{stripeMode}}', mode),
    },
    generateBundle() {
      // dist/_headers in Cloudflare's static-assets format.
      const lines = ['/*', ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`)];
      // Cloudflare sends every matching block's headers; `! Name` detaches the /* block's value first.
      for (const [path, replaced] of Object.entries(options.pageHeaders ?? {})) {
        lines.push('', path, ...Object.entries(replaced).flatMap(([name, value]) => [`  ! ${name}`, `  ${name}: ${value}`]));
      }
      lines.push('', '/assets/*', '  Cache-Control: public, max-age=31536000, immutable', '');
      this.emitFile({ type: 'asset', fileName: '_headers', source: lines.join('\n') });
      const urls = [...INDEXABLE_PAGES, ...catalog.products.map((product) => productPath(product.id))].map((path) => `${site.url}${path}`);
      this.emitFile({ type: 'asset', fileName: 'sitemap.xml', source: sitemapXml(urls) });
      this.emitFile({ type: 'asset', fileName: 'robots.txt', source: robotsTxt(site.url) });
      const record = buildRecord({ stripeMode: mode, siteUrl: site.url, localStripe: options.localStripe });
      this.emitFile({ type: 'asset', fileName: BUILD_RECORD, source: `${JSON.stringify(record, null, 2)}\n` });
      this.emitFile({ type: 'asset', fileName: '.assetsignore', source: `${BUILD_RECORD}\n` });
    },
  };
}

/** The build's HTML entries: the static pages, the product template and one page per product. */
export function storefrontInputs(root: string, catalog: Catalog): Record<string, string> {
  const pages = ['index', 'product', 'cart', 'success', 'cancel', '404'];
  return {
    ...Object.fromEntries(pages.map((name) => [name, `${root}/${name}.html`])),
    template: `${root}/${PRODUCT_TEMPLATE}`,
    ...Object.fromEntries(catalog.products.map((product) => [`products/${product.id}`, `${root}/products/${product.id}.html`])),
  };
}
