// Static storefront build: site/ -> dist/, served by Cloudflare Workers static assets.
// Only VITE_API_BASE and VITE_STRIPE_MODE are read from the environment.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import catalog from './site/catalog.json' with { type: 'json' };

const root = fileURLToPath(new URL('./site', import.meta.url));
const page = (file: string) => `${root}/${file}`;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Security headers for every static page; connect-src also allows a separately hosted API. */
function securityHeaders(apiBase: string | undefined): Record<string, string> {
  const connect = ["'self'"];
  if (apiBase && !apiBase.startsWith('/')) {
    let url: URL;
    try {
      url = new URL(apiBase);
    } catch {
      throw new Error(`VITE_API_BASE must be an absolute http(s) URL or a /path, got "${apiBase}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`VITE_API_BASE must use http(s), got "${apiBase}"`);
    }
    connect.push(url.origin);
  }
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect.join(' ')}`,
      "form-action 'self' https://checkout.stripe.com",
      "frame-ancestors 'none'",
      "base-uri 'self'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
  };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, root, 'VITE_');
  if (env.VITE_STRIPE_MODE && env.VITE_STRIPE_MODE !== 'test' && env.VITE_STRIPE_MODE !== 'live') {
    throw new Error(`VITE_STRIPE_MODE must be "test" or "live", got "${env.VITE_STRIPE_MODE}"`);
  }
  const headers = securityHeaders(env.VITE_API_BASE);

  const storefront: Plugin = {
    name: 'storefront',
    // Every page shares the header and footer in site/partials/; {{shopName}} comes from the catalog.
    transformIndexHtml: (html) =>
      html
        .replace(/^( *)<!-- partial:(\w+) -->\n/gm, (_, indent: string, name: string) =>
          readFileSync(`${root}/partials/${name}.html`, 'utf8').replace(/^(?=.)/gm, indent),
        )
        .replaceAll('{{shopName}}', escapeHtml(catalog.shopName)),
    // dist/_headers in Cloudflare's static-assets format.
    generateBundle() {
      const lines = ['/*', ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`)];
      lines.push('', '/assets/*', '  Cache-Control: public, max-age=31536000, immutable', '');
      this.emitFile({ type: 'asset', fileName: '_headers', source: lines.join('\n') });
    },
  };

  return {
    root, // site/, absolute so the build works from any working directory
    base: '/',
    publicDir: 'public',
    appType: 'mpa',
    plugins: [storefront],
    // `vite preview` sends the same headers, so CSP violations show up before deploying.
    preview: { headers },
    build: {
      outDir: '../dist',
      emptyOutDir: true,
      rolldownOptions: {
        input: {
          index: page('index.html'),
          product: page('product.html'),
          cart: page('cart.html'),
          success: page('success.html'),
          cancel: page('cancel.html'),
          404: page('404.html'),
        },
      },
    },
  };
});
