#!/usr/bin/env node
// @ts-check
// npm run stripe:seed — the storefront's catalog (catalog/catalog.json) in the seller's Stripe
// TEST account, as tools/lib/catalog-in-stripe.mjs makes it: what is missing is created, what
// the seller changed in Stripe is kept and listed (--reseed puts the catalog's values back),
// the links and ids are written back into the catalog. Never touches live mode (npm run launch
// -- --live does, with the same code).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { paymentLinkOptions, putCatalogInStripe } from './lib/catalog-in-stripe.mjs';
import { checkKey, KeyError, stripeClient, stripeFailure } from './lib/stripe-client.mjs';
import { readWranglerVars } from './lib/wrangler-config.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SHOP_URL = 'http://127.0.0.1:8787';

const HELP = `Usage: npm run stripe:seed -- [options]

Creates (or finds again) a Stripe Product, one-time Price and Payment Link for every
product in the catalog, in Stripe TEST mode, and writes the Payment Links back into
the catalog (paymentLinks.test, stripe.productId, stripe.priceId). A physical product's
link asks for an address in the catalog's shipping.countries and offers its shipping.rates
(Stripe Shipping Rates, made when missing), and a link takes promotion codes as the product's "promotionCodes" (default CHECKOUT_PROMOTION_CODES) says.
Safe to re-run: a product renamed, repriced or archived in Stripe keeps that change (each
one is listed as skipped) unless --reseed is given.

Options:
  --catalog <path>    catalog file (default: catalog/catalog.json)
  --shop-url <url>    where Payment Links send buyers back to (default: $SHOP_URL or ${DEFAULT_SHOP_URL})
  --config <path>     wrangler.toml whose [vars] give the checkout settings (default: ./wrangler.toml)
  --reseed            overwrite what was changed in Stripe with the catalog's name, description,
                      price and link options (the replaced default price is archived) and restore
                      archived products
  -h, --help          this text

Environment:
  STRIPE_SECRET_KEY   a TEST key: sk_test_… or rk_test_… (live keys are refused)
  STRIPE_API_BASE     API origin (default https://api.stripe.com; tests point it at a fake)
  SHOP_URL            as --shop-url
`;

class UsageError extends Error {}

function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        catalog: { type: 'string' },
        'shop-url': { type: 'string' },
        config: { type: 'string' },
        reseed: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const shopUrl = (values['shop-url'] ?? process.env.SHOP_URL ?? DEFAULT_SHOP_URL).replace(/\/+$/, '');
  try {
    const url = new URL(shopUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--shop-url must be an http(s) URL, not ${JSON.stringify(shopUrl)}`);
  }
  return {
    help: Boolean(values.help),
    catalogPath: path.resolve(values.catalog ?? path.join(ROOT, 'catalog', 'catalog.json')),
    shopUrl,
    configPath: path.resolve(values.config ?? path.join(ROOT, 'wrangler.toml')),
    reseed: Boolean(values.reseed),
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const key = checkKey(process.env.STRIPE_SECRET_KEY, 'test', 'stripe:seed');
  const apiBase = process.env.STRIPE_API_BASE?.trim() || 'https://api.stripe.com';
  const stripe = stripeClient(key, apiBase, 'edge-storefront stripe-seed');
  const vars = await readWranglerVars(options.configPath);
  const relative = path.relative(process.cwd(), options.catalogPath) || options.catalogPath;
  console.log(`Seeding ${relative} into Stripe test mode at ${apiBase} (Payment Links return to ${options.shopUrl}/success)`);
  const { counts, changedFile } = await putCatalogInStripe({
    stripe,
    catalogPath: options.catalogPath,
    mode: 'test',
    shopUrl: options.shopUrl,
    reseed: options.reseed,
    linkOptions: (entry, catalog) => paymentLinkOptions(entry, vars, catalog.shipping),
    log: (line) => console.log(`  ${line}`),
  });
  const skipped = counts.skipped ? ` (changed in Stripe; --reseed puts the catalog's values back)` : '';
  console.log(`Done: ${counts.created} created, ${counts.updated} updated, ${counts.reused} reused, ${counts.skipped} skipped${skipped}. ${changedFile ? `Wrote ${relative}.` : `${relative} unchanged.`}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof UsageError || error instanceof KeyError) {
      console.error(`stripe:seed: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(`stripe:seed failed: ${stripeFailure(error) ?? error?.stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
