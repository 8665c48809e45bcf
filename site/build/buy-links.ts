// A live build refuses Buy buttons that cannot take a payment: without a live Payment Link (and
// without the worker's checkout) Buy would lead to /dev/checkout, which only `npm start` serves.
import type { Catalog, Product, StripeMode } from '../../catalog';
import { buyTarget } from '../src/checkout-link';

/** `WORKER_CHECKOUT` at build: `true` says the worker has a Stripe key of the build's mode. */
export function parseWorkerCheckout(value: string | undefined): boolean {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw new Error(`WORKER_CHECKOUT must be "true" or "false", got ${JSON.stringify(value)}`);
}

/** The products whose prerendered Buy goes to the local checkout stand-in (`/dev/checkout`). */
export function devCheckoutProducts(catalog: Catalog, options: { mode: StripeMode; workerCheckout: boolean }): Product[] {
  return catalog.products.filter((product) => buyTarget(product, options) === 'dev-checkout');
}

/** Throws, naming every product and both fixes, when a live build would ship a Buy that goes nowhere. */
export function checkLiveBuyLinks(catalog: Catalog, options: { mode: StripeMode; workerCheckout: boolean }): void {
  if (options.mode !== 'live') return;
  const stranded = devCheckoutProducts(catalog, options);
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
