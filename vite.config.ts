// Static storefront build: site/ -> dist/, served by Cloudflare Workers static assets.
// Read from the environment: VITE_API_BASE, VITE_STRIPE_MODE, VITE_LOCAL_STRIPE, SITE_URL and WORKER_CHECKOUT, nothing else.
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type UserConfig } from 'vite';
import { SHOP_LOCALE, type Catalog } from './catalog';
import { PAGE_POLICY, pageHeaders, widenPolicy } from './contract/page-headers';
import catalogData from './catalog/catalog.json' with { type: 'json' };
import { storefront, storefrontInputs } from './site/build/storefront';
import { parseSiteUrl } from './catalog/product-page';
import { normalizeApiBase, parseStripeMode } from './site/src/checkout-link';
import { parseWorkerCheckout } from './site/build/buy-links';

const root = fileURLToPath(new URL('./site', import.meta.url));
/** Where `npm start` serves the shop: the canonical URLs of a local build. */
export const LOCAL_SITE_URL = 'http://127.0.0.1:8787';

/**
 * Security headers for every static page (contract/page-headers.ts); connect-src also allows a
 * separately hosted API, and form-action the local Stripe (`localStripeOrigin`), whose hosted
 * checkout a Buy form's POST is redirected to (a browser checks form-action on the redirect too).
 */
function securityHeaders(apiBase: string | undefined, localStripe: string | undefined): Record<string, string> {
  const local = localStripeOrigin(localStripe);
  const formAction = local ? [local] : [];
  if (!apiBase || apiBase.startsWith('/')) return pageHeaders(widenPolicy(PAGE_POLICY, { formAction }));
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new Error(`VITE_API_BASE must be an absolute http(s) URL or a /path, got "${apiBase}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`VITE_API_BASE must use http(s), got "${apiBase}"`);
  }
  return pageHeaders(widenPolicy(PAGE_POLICY, { connectSrc: [url.origin], formAction }));
}

/** The public URL the pages name as canonical: `SITE_URL`, required for a live build. */
export function siteUrlFrom(env: Record<string, string | undefined>): string {
  const value = env.SITE_URL?.trim();
  if (!value) {
    if (env.VITE_STRIPE_MODE === 'live') {
      throw new Error('SITE_URL must be set for a live build (VITE_STRIPE_MODE=live): the public URL of the shop, e.g. https://shop.example');
    }
    return LOCAL_SITE_URL;
  }
  return parseSiteUrl(value);
}

/**
 * The cart page's CSP: the site's own plus the sources Stripe's integration security guide lists
 * for Stripe.js and Checkout, which Embedded Checkout is (docs.stripe.com/security/guide, "Content
 * Security Policy"). Only /cart mounts a checkout, so only /cart gets them.
 */
export const EMBEDDED_CHECKOUT_SOURCES: Record<string, string[]> = {
  'script-src': ['https://js.stripe.com', 'https://*.js.stripe.com'],
  'frame-src': ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com', 'https://checkout.stripe.com'],
  'connect-src': ['https://api.stripe.com', 'https://checkout.stripe.com'],
  'img-src': ['https://*.stripe.com'],
};

/**
 * `VITE_LOCAL_STRIPE` (set by `npm start` when it runs the local Stripe, never for a deploy): the
 * local Stripe's loopback origin, checked; `null` when unset.
 */
export function localStripeOrigin(value: string | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`VITE_LOCAL_STRIPE must be the local Stripe's origin, e.g. http://127.0.0.1:12111, got "${value}"`);
  }
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.origin !== value.replace(/\/+$/, '')) {
    throw new Error(`VITE_LOCAL_STRIPE must be an http://127.0.0.1:<port> origin, got "${value}"`);
  }
  return url.origin;
}

/**
 * The local Stripe (`localStripeOrigin`), whose Stripe.js stand-in embedded checkout loads instead
 * of js.stripe.com: only that origin is added, only to /cart, only to script-src and frame-src.
 */
export function localStripeSources(value: string | undefined): Record<string, string[]> {
  const origin = localStripeOrigin(value);
  return origin ? { 'script-src': [origin], 'frame-src': [origin] } : {};
}

/** `policy` with `extra` sources appended to their directives (a directive it lacks starts from 'self'). */
export function widenCsp(policy: string, extra: Record<string, string[]>): string {
  const directives = policy.split(';').map((part) => part.trim().split(/\s+/));
  for (const [name, sources] of Object.entries(extra)) {
    const directive = directives.find(([existing]) => existing === name);
    if (directive) directive.push(...sources);
    else directives.push([name, "'self'", ...sources]);
  }
  return directives.map((parts) => parts.join(' ')).join('; ');
}

/** The back office's pages (site/admin/): entries of their own, so no shop page loads their code. */
export function backOfficeInputs(root: string): Record<string, string> {
  return Object.fromEntries(['index', 'order', 'customer', 'subscriptions', 'ledger', 'health'].map((name) => [`admin/${name}`, `${root}/admin/${name}.html`]));
}

/** The whole build for a catalog; tests build other catalogs with it. */
export function storefrontConfig(catalog: Catalog, env: Record<string, string | undefined>): UserConfig {
  if (env.VITE_STRIPE_MODE && env.VITE_STRIPE_MODE !== 'test' && env.VITE_STRIPE_MODE !== 'live') {
    throw new Error(`VITE_STRIPE_MODE must be "test" or "live", got "${env.VITE_STRIPE_MODE}"`);
  }
  const headers = securityHeaders(env.VITE_API_BASE, env.VITE_LOCAL_STRIPE);
  const plugin = storefront({
    root,
    catalog,
    site: { url: siteUrlFrom(env), shopName: catalog.shopName, locale: SHOP_LOCALE },
    mode: parseStripeMode(env.VITE_STRIPE_MODE),
    apiBase: normalizeApiBase(env.VITE_API_BASE),
    workerCheckout: parseWorkerCheckout(env.WORKER_CHECKOUT),
    localStripe: Boolean(env.VITE_LOCAL_STRIPE?.trim()),
    headers,
    pageHeaders: {
      '/cart': { 'Content-Security-Policy': widenCsp(widenCsp(headers['Content-Security-Policy']!, EMBEDDED_CHECKOUT_SOURCES), localStripeSources(env.VITE_LOCAL_STRIPE)) },
    },
  });
  return {
    root, // site/, absolute so the build works from any working directory
    base: '/',
    publicDir: 'public',
    appType: 'mpa',
    plugins: [plugin],
    // `vite preview` sends the same headers, so CSP violations show up before deploying.
    preview: { headers },
    build: {
      outDir: '../dist',
      emptyOutDir: true,
      rolldownOptions: { input: { ...storefrontInputs(root, catalog), ...backOfficeInputs(root) } },
    },
  };
}

// loadEnv reads site/.env* and the process environment, keeping only these names.
export default defineConfig(({ mode }) => storefrontConfig(catalogData as Catalog, loadEnv(mode, root, ['VITE_', 'SITE_URL', 'WORKER_CHECKOUT'])));
