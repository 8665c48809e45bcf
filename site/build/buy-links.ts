// A live build refuses Buy buttons that cannot take a payment: without a live Payment Link, Buy
// goes to the worker's checkout, which sells only with a live key on the worker; the seller says
// it has one with WORKER_CHECKOUT=true. A test build needs no word: its worker has a test key
// (npm start always passes one: the local Stripe's, or the seller's own sk_test_…).
import type { Catalog, Product, StripeMode } from '../../catalog';
import { buyTarget } from '../src/checkout-link';

/** `WORKER_CHECKOUT` at build: `true` says the worker has a Stripe key of the build's mode. */
export function parseWorkerCheckout(value: string | undefined): boolean {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw new Error(`WORKER_CHECKOUT must be "true" or "false", got ${JSON.stringify(value)}`);
}

/** The products whose prerendered Buy goes to the worker's checkout (no Payment Link of `mode`). */
export function workerCheckoutProducts(catalog: Catalog, options: { mode: StripeMode }): Product[] {
  return catalog.products.filter((product) => buyTarget(product, options) === 'worker-checkout');
}

/** Throws, naming every product and both fixes, when a live build would ship a Buy that goes nowhere. */
export function checkLiveBuyLinks(catalog: Catalog, options: { mode: StripeMode; workerCheckout: boolean }): void {
  if (options.mode !== 'live' || options.workerCheckout) return;
  const stranded = workerCheckoutProducts(catalog, options);
  if (stranded.length === 0) return;
  throw new Error(
    [
      `A live build (VITE_STRIPE_MODE=live) would ship Buy buttons that lead nowhere: ${stranded.length} of ${catalog.products.length} products have no live Payment Link.`,
      ...stranded.map((product) => `  - ${product.id} (${product.name})`),
      'Fix it either way:',
      '  1. Give each a live Payment Link: create it in the Stripe dashboard in live mode, then put its URL and id (plink_…)',
      '     under paymentLinks.live in catalog/catalog.json.',
      "  2. Or let the worker's checkout sell them: with a live key on the worker (npx wrangler secret put STRIPE_SECRET_KEY,",
      '     sk_live_… or rk_live_…) and its mirror synced (npm run stripe:sync -- --worker https://<your shop>), build with',
      '     WORKER_CHECKOUT=true: Buy then opens a Checkout Session at /products/<id>/checkout.',
    ].join('\n'),
  );
}
