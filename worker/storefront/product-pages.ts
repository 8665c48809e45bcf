// Product pages at the edge. With the live catalog on (the Stripe mirror has products), the
// worker answers /products/<id> itself: catalog products with their live name and price, and
// products that exist only in Stripe, rendered with HTMLRewriter into the product template the
// build wrote (dist/_templates/product.html), so they are the same page as the prerendered ones.
// Without live products the prerendered page is served as built.
import { catalog, checkoutPath, productPath, SHOP_LOCALE, type Product } from '../../catalog';
import { productPageBuyHtml, productPageFields, type PageProduct, type ProductPageFields, type SiteInfo } from '../../catalog/product-page';
import { sitemapUrls, sitemapXml } from '../../catalog/sitemap';
import {
  liveOnlyProducts,
  mergeLiveCatalog,
  mergeLiveProduct,
  parseLiveCatalog,
  parseProduct,
  type LiveCatalog,
  type LiveOnlyProduct,
  type ShopProduct,
} from '../../catalog/live';
import { liveCatalog } from './live-catalog';
import type { Env } from '../platform/env';
import { liveProductsFor } from '../store/catalog';
import { hasStripeKey } from '../stripe/client';

/** Where the build put the template (`dist/_templates/product.html`, served without `.html`). */
export const TEMPLATE_PATH = '/_templates/product';
/** Placeholder image of products that exist only in Stripe (the CSP allows only the site's images). */
const LIVE_ONLY_IMAGE = '/images/product.svg';
const LIVE_ONLY_SHARE_IMAGE = '/images/share/product.png';

/** What /products/<id> is. */
export type ProductPage =
  /** No live products: the prerendered page as built (or the 404 page). */
  | { kind: 'static' }
  /**
   * Rendered by the worker: a catalog product over its prerendered page (whose Buy, built for the
   * build's Stripe mode, stays), a product only in Stripe over the template. `checkoutPrice`:
   * what /products/<id>/checkout charges, when the worker has a key and the mirror a price.
   */
  | { kind: 'render'; base: 'prerendered' | 'template'; product: PageProduct; checkoutPrice: string | null }
  /** Unknown, or archived in Stripe since the build. */
  | { kind: 'not-found' };

/** The live catalog as the storefront reads it (`null` when the mirror has no products). */
export async function liveShopCatalog(env: Env): Promise<LiveCatalog | null> {
  const live = parseLiveCatalog({ checkout: hasStripeKey(env), products: await liveCatalog(env) });
  return live && live.products.length > 0 ? live : null;
}

/**
 * The part of the live catalog one product page needs (`null` when the mirror has no products),
 * read by key in one D1 round trip: the cost does not grow with the catalog, and no whole
 * snapshot is parsed per page view. `resolveProductPage` decides from it as from the whole.
 */
export async function liveCatalogFor(env: Env, id: string, buildTime: Product[] = catalog.products): Promise<LiveCatalog | null> {
  const stripeProductId = buildTime.find((product) => product.id === id)?.stripe?.productId ?? null;
  const { products, speaksForSlugs, hasProducts } = await liveProductsFor(env.DB, id, stripeProductId);
  if (!hasProducts) return null;
  return { checkout: hasStripeKey(env), products: products.map(parseProduct).filter((product) => product !== null), speaksForSlugs };
}

function catalogPageProduct(product: ShopProduct, interval: string | null): PageProduct {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    image: product.image,
    imageAlt: product.imageAlt,
    shareImage: product.shareImage ?? null,
    price: product.price,
    interval,
    digital: product.digital,
    buy: null, // the prerendered page's own
  };
}

function liveOnlyPageProduct({ slug, product, price }: LiveOnlyProduct, checkout: boolean): PageProduct {
  return {
    id: slug,
    name: product.name,
    description: product.description ?? product.name,
    image: LIVE_ONLY_IMAGE,
    imageAlt: product.name,
    shareImage: LIVE_ONLY_SHARE_IMAGE,
    price: { amount: price.unitAmount, currency: price.currency },
    interval: price.interval,
    digital: null,
    // A form: a GET of the checkout must never start a Checkout Session. None when nothing can sell it.
    buy: checkout ? { method: 'post', action: checkoutPath(slug) } : null,
  };
}

/**
 * Decides what /products/<id> shows, from the build-time catalog and the live one (whole, or
 * `liveCatalogFor`'s part of it; `null` when the mirror has no products).
 */
export function resolveProductPage(id: string, live: LiveCatalog | null, buildTime: Product[] = catalog.products): ProductPage {
  if (!live) return { kind: 'static' };
  const buildTimeProduct = buildTime.find((product) => product.id === id);
  if (buildTimeProduct) {
    const merged = mergeLiveProduct(buildTimeProduct, live);
    if (!merged) return { kind: 'not-found' };
    // A build with WORKER_CHECKOUT=true sends Buy of a product without a Payment Link here.
    return { kind: 'render', base: 'prerendered', product: catalogPageProduct(merged, merged.interval), checkoutPrice: live.checkout ? merged.priceId : null };
  }
  const only = liveOnlyProducts(buildTime, live).find((entry) => entry.slug === id);
  if (!only) return { kind: 'not-found' };
  return { kind: 'render', base: 'template', product: liveOnlyPageProduct(only, live.checkout), checkoutPrice: live.checkout ? only.price.id : null };
}

/** The site URL (`SITE_URL`) the build wrote into a page: its canonical link's origin. */
async function builtSiteUrl(template: string): Promise<string> {
  let href = '';
  await new HTMLRewriter()
    .on('link[rel="canonical"]', {
      element(element) {
        href = element.getAttribute('href') ?? '';
      },
    })
    .transform(new Response(template))
    .arrayBuffer();
  return new URL(href).origin;
}

type Fill = (element: Element, fields: ProductPageFields) => void;

/**
 * An attribute value for `setAttribute`, which escapes `"` but writes `&` as is: `&` (and `<`,
 * `>`, as the build writes them) become references, so a value such as `R&amp;D` reads back as
 * written instead of as `R&D`. The worker tests read every value back.
 */
const attributeValue = (value: string) => value.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
const set = (element: Element, name: string, value: string) => element.setAttribute(name, attributeValue(value));

const content = (pick: (fields: ProductPageFields) => string): Fill => (element, fields) => {
  set(element, 'content', pick(fields));
};
const text = (pick: (fields: ProductPageFields) => string): Fill => (element, fields) => {
  element.setInnerContent(pick(fields));
};

/** Every slot of site/templates/product.html, by selector. A test checks none is left unfilled. */
const SLOTS: [selector: string, fill: Fill][] = [
  ['title', text((f) => f.title)],
  ['meta[name="description"]', content((f) => f.summary)],
  ['link[rel="canonical"]', (element, f) => set(element, 'href', f.url)],
  ['meta[property="og:title"]', content((f) => f.name)],
  ['meta[property="og:description"]', content((f) => f.summary)],
  ['meta[property="og:url"]', content((f) => f.url)],
  ['meta[property="og:image"]', content((f) => f.shareImage)],
  ['meta[property="og:image:alt"]', content((f) => f.imageAlt)],
  ['meta[property="product:price:amount"]', content((f) => f.priceAmount)],
  ['meta[property="product:price:currency"]', content((f) => f.priceCurrency)],
  ['meta[name="twitter:title"]', content((f) => f.name)],
  ['meta[name="twitter:description"]', content((f) => f.summary)],
  ['meta[name="twitter:image"]', content((f) => f.shareImage)],
  ['meta[name="twitter:image:alt"]', content((f) => f.imageAlt)],
  // JSON, not HTML: jsonForScript escaped every `<`, `>` and `&`, so it cannot leave the element.
  ['script[type="application/ld+json"]', (element, f) => element.setInnerContent(f.jsonLd, { html: true })],
  ['article[data-product-id]', (element, f) => set(element, 'data-product-id', f.id)],
  ['img.product__image', (element, f) => set(set(element, 'src', f.image), 'alt', f.imageAlt)],
  ['.product__info .tag', (element, f) => (f.kind ? element.setInnerContent(f.kind) : element.remove())],
  ['h1.product__title', text((f) => f.name)],
  ['[data-price]', (element, f) => set(element, 'data-price', f.id).setInnerContent(f.price)],
  ['.product__description', text((f) => f.description)],
  // (Buy, `.product__buy`: see renderProductPage.)
  ['.fine-print', text((f) => f.finePrint)],
];

/**
 * A built page (the template, or a prerendered product page) with every slot filled for the
 * page's product: text and attributes escaped by HTMLRewriter. Buy: on a prerendered page it stays
 * as built (a Payment Link of the build's Stripe mode, which the worker does not know, or the
 * form to its checkout); into the template it is written as the build writes it
 * (`productPageBuyHtml`), or left out when the worker cannot sell the product.
 */
export async function renderProductPage(html: string, page: Extract<ProductPage, { kind: 'render' }>): Promise<Response> {
  const site: SiteInfo = { url: await builtSiteUrl(html), shopName: catalog.shopName, locale: SHOP_LOCALE };
  const fields = productPageFields(page.product, site);
  const rewriter = new HTMLRewriter();
  for (const [selector, fill] of SLOTS) rewriter.on(selector, { element: (element) => fill(element, fields) });
  const buy = page.base === 'template' ? fields.buy : null;
  if (buy) rewriter.on('.product__buy', { element: (element) => void element.setInnerContent(productPageBuyHtml(buy, fields.id), { html: true }) });
  return rewriter.transform(new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
}

/** The sitemap with the live catalog: the build's other pages, then every product that has a page. */
export function liveSitemap(buildSitemap: string, live: LiveCatalog, buildTime: Product[] = catalog.products): string {
  const urls = sitemapUrls(buildSitemap);
  const site = new URL(urls[0] ?? 'http://invalid').origin;
  const pages = urls.filter((url) => !new URL(url).pathname.startsWith('/products/'));
  const slugs = [...mergeLiveCatalog(buildTime, live).map((product) => product.id), ...liveOnlyProducts(buildTime, live).map((entry) => entry.slug)];
  return sitemapXml([...pages, ...slugs.map((slug) => `${site}${productPath(slug)}`)]);
}
