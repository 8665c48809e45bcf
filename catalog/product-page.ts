// What a product page says about its product — visible text, head tags, JSON-LD — computed in
// one place for the build (the storefront's Vite plugin prerenders /products/<id>) and for the
// worker (live products rendered at the edge with HTMLRewriter). Pure and DOM-free.
import { productPath } from '.';
import { formatPrice } from './money';

/** The public site the pages link to: `SITE_URL` at build, e.g. `https://shop.example`. */
export interface SiteInfo {
  /** Origin without a trailing slash. */
  url: string;
  shopName: string;
  /** Formats prices in the HTML; the pages' `<html lang>`. */
  locale: string;
}

/**
 * How Buy works without JavaScript: a link (a Payment Link, or the local checkout stand-in), or a
 * form that POSTs to the worker's checkout, which starts a Checkout Session on a POST only.
 */
export type BuyAction = { method: 'get'; href: string } | { method: 'post'; action: string };

/** A product as a page shows it: a catalog entry, or a product that exists only in Stripe. */
export interface PageProduct {
  /** The URL's last segment: catalog slug or Stripe product id. */
  id: string;
  name: string;
  description: string;
  image: string;
  imageAlt: string;
  /** Raster image for previews; `null` falls back to `image`. */
  shareImage: string | null;
  price: { amount: number; currency: string };
  /** `month`, `year`… for a recurring price. */
  interval: string | null;
  /** `null` when not known (a product that exists only in Stripe). */
  digital: boolean | null;
  /** Buy without JavaScript; `null` when the page has no Buy of its own to render (see the renderers). */
  buy: BuyAction | null;
}

/** Every value a product page fills in, as plain text (escaping is the renderer's job). */
export interface ProductPageFields {
  id: string;
  title: string;
  /** `<meta name="description">`, `og:description`: at most ~160 characters. */
  summary: string;
  /** Canonical, absolute. */
  url: string;
  name: string;
  description: string;
  /** The price as displayed, e.g. `$12.00` or `$5.00 / month`. */
  price: string;
  /** `product:price:amount` / schema.org `price`: a decimal string, e.g. `12.00`. */
  priceAmount: string;
  /** ISO 4217, upper case. */
  priceCurrency: string;
  image: string;
  imageAlt: string;
  /** Absolute URL of the raster share image. */
  shareImage: string;
  /** `Digital download`, `Physical item`, or `''` when not known. */
  kind: string;
  finePrint: string;
  buy: BuyAction | null;
  /** The schema.org/Product JSON-LD, serialised for a `<script type="application/ld+json">`. */
  jsonLd: string;
}

const SUMMARY_LENGTH = 160;

/** Text for HTML: every character that could end a text node or an attribute value as a reference. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One Buy control: its product, its classes, and its label (HTML, written as given). */
export interface BuyControl {
  id: string;
  className: string;
  labelHtml: string;
}

/**
 * Buy as plain HTML, written here alone for every page (the grid, the prerendered product pages,
 * the worker's): `<a data-buy href>`, or a `<form method="post">` around a submit `<button
 * data-buy>`. With JavaScript, site/src/buy-link.ts adds the buyer to either.
 */
export function buyHtml(buy: BuyAction, control: BuyControl): string {
  const e = escapeHtml;
  if (buy.method === 'get') return `<a class="${e(control.className)}" data-buy="${e(control.id)}" href="${e(buy.href)}">${control.labelHtml}</a>`;
  return `<form class="buy-form" method="post" action="${e(buy.action)}"><button class="${e(control.className)}" type="submit" data-buy="${e(control.id)}">${control.labelHtml}</button></form>`;
}

/** The product page's Buy, the content of its `.product__buy` row (where the script adds Add to cart). */
export function productPageBuyHtml(buy: BuyAction, id: string): string {
  return buyHtml(buy, { id, className: 'button button--large', labelHtml: 'Buy now' });
}

/** `SITE_URL` checked: an absolute http(s) origin, no path, query or fragment; returned without a trailing slash. */
export function parseSiteUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`SITE_URL must be an absolute URL such as https://shop.example, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`SITE_URL must use http(s), got "${value}"`);
  if (url.username || url.password) throw new Error(`SITE_URL must not carry credentials, got "${value}"`);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`SITE_URL must be an origin without a path, query or fragment (the shop is served at /), got "${value}"`);
  }
  return url.origin;
}

/** An absolute URL on the site for a path (`/images/x.png`); absolute URLs pass through. */
export const absoluteUrl = (site: SiteInfo, path: string) => new URL(path, `${site.url}/`).toString();

/** The amount as a decimal string in the currency's major unit: `1200 usd` → `12.00`, `1200 jpy` → `1200`. */
export function decimalAmount(amount: number, currency: string): string {
  const decimals = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  return (amount / 10 ** decimals).toFixed(decimals);
}

/** At most `SUMMARY_LENGTH` characters, cut at a word with an ellipsis. */
export function summarize(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SUMMARY_LENGTH) return flat;
  const cut = flat.slice(0, SUMMARY_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUMMARY_LENGTH / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

/**
 * JSON for the inside of a `<script type="application/ld+json">`: `<`, `>`, `&` and the two
 * JavaScript line terminators as `\u` escapes, so no value can close the element or open a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** schema.org/Product with one Offer, as search engines read it for product results. */
export function productJsonLd(product: PageProduct, site: SiteInfo): Record<string, unknown> {
  const url = absoluteUrl(site, productPath(product.id));
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    '@id': `${url}#product`,
    name: product.name,
    description: product.description,
    image: absoluteUrl(site, product.shareImage ?? product.image),
    sku: product.id,
    url,
    offers: {
      '@type': 'Offer',
      price: decimalAmount(product.price.amount, product.price.currency),
      priceCurrency: product.price.currency.toUpperCase(),
      availability: 'https://schema.org/InStock',
      url,
      seller: { '@type': 'Organization', name: site.shopName },
    },
  };
}

export function productPageFields(product: PageProduct, site: SiteInfo): ProductPageFields {
  return {
    id: product.id,
    title: `${product.name} — ${site.shopName}`,
    summary: summarize(product.description),
    url: absoluteUrl(site, productPath(product.id)),
    name: product.name,
    description: product.description,
    price: formatPrice(product.price, product.interval, site.locale),
    priceAmount: decimalAmount(product.price.amount, product.price.currency),
    priceCurrency: product.price.currency.toUpperCase(),
    image: product.image,
    imageAlt: product.imageAlt,
    shareImage: absoluteUrl(site, product.shareImage ?? product.image),
    kind: product.digital === null ? '' : product.digital ? 'Digital download' : 'Physical item',
    finePrint: product.digital
      ? 'Secure checkout by Stripe. Your download code appears as soon as the payment is confirmed.'
      : 'Secure checkout by Stripe. You can review your order before paying.',
    buy: product.buy,
    jsonLd: jsonForScript(productJsonLd(product, site)),
  };
}
