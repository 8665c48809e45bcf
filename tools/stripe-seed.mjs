#!/usr/bin/env node
// @ts-check
// npm run stripe:seed — creates the storefront's catalog (catalog/catalog.json) in the
// seller's Stripe TEST account, idempotently: one Product per catalog entry (found
// again by metadata.catalog_id), a Price with the catalog amount (its default_price;
// recurring when the catalog gives an interval), and a Payment Link that redirects to the
// shop's success page.
// It creates what is missing and keeps what the seller changed in Stripe (a name, a new
// price, an archived product), saying what it skipped; --reseed puts the catalog's values back.
// Writes the links and ids back into the catalog. Never touches live mode.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Stripe from 'stripe';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SHOP_URL = 'http://127.0.0.1:8787';

const HELP = `Usage: npm run stripe:seed -- [options]

Creates (or finds again) a Stripe Product, one-time Price and Payment Link for every
product in the catalog, in Stripe TEST mode, and writes the Payment Links back into
the catalog (paymentLinks.test, stripe.productId, stripe.priceId). Safe to re-run:
a product renamed, repriced or archived in Stripe keeps that change (each one is
listed as skipped) unless --reseed is given.

Options:
  --catalog <path>    catalog file (default: catalog/catalog.json)
  --shop-url <url>    where Payment Links send buyers back to (default: $SHOP_URL or ${DEFAULT_SHOP_URL})
  --reseed            overwrite what was changed in Stripe with the catalog's name, description
                      and price (the replaced default price is archived) and restore archived products
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
    reseed: Boolean(values.reseed),
  };
}

/** Only test-mode keys: the seed creates objects, and live mode is for real money. */
function checkTestKey(key) {
  if (!key || !key.trim()) throw new UsageError('STRIPE_SECRET_KEY is not set. Use a test-mode key from https://dashboard.stripe.com/test/apikeys (sk_test_… or rk_test_…).');
  const trimmed = key.trim();
  if (/^(sk|rk)_live_/.test(trimmed)) throw new UsageError('Refusing a LIVE Stripe key: stripe:seed only creates objects in test mode. Use an sk_test_… or rk_test_… key.');
  if (!/^(sk|rk)_test_/.test(trimmed)) throw new UsageError('STRIPE_SECRET_KEY must be a test-mode secret or restricted key (sk_test_… or rk_test_…).');
  return trimmed;
}

function stripeClient(key, apiBase) {
  let url;
  try {
    url = new URL(apiBase);
  } catch {
    throw new UsageError(`STRIPE_API_BASE must be a URL, not ${JSON.stringify(apiBase)}`);
  }
  return new Stripe(key, {
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443,
    protocol: url.protocol === 'http:' ? 'http' : 'https',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 3,
    timeout: 30_000,
    appInfo: { name: 'edge-storefront stripe-seed' },
  });
}

/**
 * JSON in the catalog's own style: 2-space indent, objects and arrays of plain values
 * on one line (`"price": { "amount": 1200, "currency": "usd" }`), trailing newline.
 */
function formatCatalog(value) {
  const plain = (v) => v === null || typeof v !== 'object';
  const format = (v, indent) => {
    if (plain(v)) return JSON.stringify(v);
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every(plain)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      return `[\n${v.map((x) => inner + format(x, inner)).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    if (entries.every(([, x]) => plain(x))) return `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${JSON.stringify(x)}`).join(', ')} }`;
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner)}`).join(',\n')}\n${indent}}`;
  };
  return `${format(value, '')}\n`;
}

async function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

const idOf = (value) => (value && typeof value === 'object' ? value.id : value) ?? null;

function assertTestMode(object) {
  if (object && object.livemode === true) throw new Error(`Stripe returned a live-mode object (${object.id}); refusing to continue.`);
  return object;
}

/** A price as a reader compares it: amount, currency and, for a subscription, its interval. */
const priceText = (amount, currency, interval) => `${amount} ${currency}${interval ? ` / ${interval}` : ''}`;

async function seed({ stripe, catalogPath, shopUrl, reseed, log }) {
  const original = await readFile(catalogPath, 'utf8');
  const catalog = JSON.parse(original);
  let onDisk = original;
  if (!catalog || !Array.isArray(catalog.products)) throw new Error(`${catalogPath}: expected { "products": [...] }`);
  const successUrl = `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`;
  const counts = { created: 0, reused: 0, updated: 0, skipped: 0 };
  const count = (kind) => {
    counts[kind]++;
    return kind;
  };

  // Everything that exists already, fetched once (list and filter: no search index lag).
  const products = (await stripe.products.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).map(assertTestMode);
  const links = (await stripe.paymentLinks.list({ active: true, limit: 100 }).autoPagingToArray({ limit: 10_000 })).map(assertTestMode);

  for (const entry of catalog.products) {
    const slug = entry.id;
    if (typeof slug !== 'string' || !slug) throw new Error(`${catalogPath}: a product has no "id"`);
    const amount = entry.price?.amount;
    const currency = String(entry.price?.currency ?? '').toLowerCase();
    const interval = entry.price?.interval ?? null;
    if (!Number.isInteger(amount) || amount < 0 || !/^[a-z]{3}$/.test(currency) || (interval !== null && !['day', 'week', 'month', 'year'].includes(interval))) {
      throw new Error(`${slug}: price must be { "amount": <integer minor units>, "currency": "<3-letter code>", "interval"?: "day" | "week" | "month" | "year" }`);
    }
    const type = interval ? 'recurring' : 'one_time';
    const report = [];
    /** What the seller changed in Stripe and this run keeps: one line per object. */
    const skipped = [];
    const skip = (what, why) => {
      report.push(`${what} ${count('skipped')}`);
      skipped.push(`${slug}: skipped ${what}: ${why}`);
    };

    // 1. The product, found by metadata.catalog_id (an active one first). One that exists keeps
    //    what the seller changed in Stripe unless --reseed.
    const matches = products.filter((p) => p.metadata?.catalog_id === slug);
    let product = matches.find((p) => p.active) ?? matches[0];
    if (!product) {
      product = assertTestMode(
        await stripe.products.create({ name: entry.name, description: entry.description || undefined, metadata: { catalog_id: slug } }),
      );
      products.push(product);
      report.push(`product ${product.id} ${count('created')}`);
    } else {
      const changes = {};
      const differences = [];
      if (!product.active) {
        changes.active = true;
        differences.push('archived in Stripe');
      }
      if (product.name !== entry.name) {
        changes.name = entry.name;
        differences.push(`its name is ${JSON.stringify(product.name)} in Stripe, ${JSON.stringify(entry.name)} in the catalog`);
      }
      if ((product.description ?? '') !== (entry.description ?? '')) {
        changes.description = entry.description ?? '';
        differences.push('its description differs from the catalog');
      }
      if (differences.length === 0) {
        report.push(`product ${product.id} ${count('reused')}`);
      } else if (reseed) {
        product = assertTestMode(await stripe.products.update(product.id, changes));
        report.push(`product ${product.id} ${count('updated')} (${Object.keys(changes).join(', ')})`);
      } else {
        skip(`product ${product.id}`, differences.join('; '));
      }
    }
    // An archived product stays as the seller left it: nothing new is made for it.
    const archived = !product.active;

    // 2. Its price: the default price when it is active (the seller's, if they set a new one;
    //    with --reseed only when it is the catalog's), else an active one with the catalog amount.
    const prices = await stripe.prices.list({ product: product.id, active: true, limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const defaultPriceId = idOf(product.default_price);
    const fits = (p) => p.type === type && p.active && p.unit_amount === amount && p.currency === currency && (p.recurring?.interval ?? null) === interval;
    const current = prices.find((p) => p.id === defaultPriceId);
    let price = current && fits(current) ? current : undefined;
    if (price) {
      report.push(`price ${price.id} ${count('reused')}`);
    } else if (current && !reseed) {
      price = current;
      skip(`price ${price.id}`, `${priceText(price.unit_amount, price.currency, price.recurring?.interval)} in Stripe, ${priceText(amount, currency, interval)} in the catalog`);
    } else {
      price = prices.find(fits);
      if (price) {
        report.push(`price ${price.id} ${count('reused')}`);
      } else if (archived) {
        skip('price', 'none is active and the product is archived in Stripe');
      } else {
        price = assertTestMode(
          await stripe.prices.create({ product: product.id, unit_amount: amount, currency, ...(interval ? { recurring: { interval } } : {}), metadata: { catalog_id: slug } }),
        );
        report.push(`price ${price.id} ${count('created')}`);
      }
    }
    if (price && !archived && defaultPriceId !== price.id) {
      product = assertTestMode(await stripe.products.update(product.id, { default_price: price.id }));
      // The price it replaces (--reseed only) is archived, as Stripe's dashboard does: one active price.
      if (current) {
        await stripe.prices.update(current.id, { active: false });
        count('updated');
        report.push(`price ${current.id} archived`);
      }
    }

    // 3. A Payment Link selling exactly that price, returning to the shop's success page (the
    //    shop's address is this run's, not the seller's to change).
    const previousLinkId = entry.paymentLinks?.test?.id ?? null;
    const candidates = links
      .filter((l) => l.metadata?.catalog_id === slug || l.id === previousLinkId)
      .sort((a, b) => Number(b.id === previousLinkId) - Number(a.id === previousLinkId));
    let link;
    for (const candidate of price ? candidates : []) {
      const items = await stripe.paymentLinks.listLineItems(candidate.id, { limit: 2 });
      const only = items.data.length === 1 && !items.has_more ? items.data[0] : null;
      if (only && idOf(only.price) === price.id && only.quantity === 1) {
        link = candidate;
        break;
      }
    }
    if (!link && archived) {
      skip('payment link', 'the product is archived in Stripe');
    } else if (!link) {
      link = assertTestMode(
        await stripe.paymentLinks.create({
          line_items: [{ price: price.id, quantity: 1 }],
          after_completion: { type: 'redirect', redirect: { url: successUrl } },
          metadata: { catalog_id: slug },
        }),
      );
      links.push(link);
      report.push(`payment link ${link.id} ${count('created')}`);
    } else if (link.after_completion?.type !== 'redirect' || link.after_completion.redirect?.url !== successUrl || link.metadata?.catalog_id !== slug) {
      link = assertTestMode(
        await stripe.paymentLinks.update(link.id, {
          after_completion: { type: 'redirect', redirect: { url: successUrl } },
          metadata: { catalog_id: slug },
        }),
      );
      report.push(`payment link ${link.id} ${count('updated')} (redirect)`);
    } else {
      report.push(`payment link ${link.id} ${count('reused')}`);
    }

    // 4. Back into the catalog.
    if (link) entry.paymentLinks = { ...(entry.paymentLinks ?? {}), test: { id: link.id, url: link.url } };
    if (entry.paymentLinks && !entry.paymentLinks.live) entry.paymentLinks.live = { id: null, url: null };
    if (price) entry.stripe = { productId: product.id, priceId: price.id };
    const text = formatCatalog(catalog);
    if (text !== onDisk) {
      await writeAtomically(catalogPath, text);
      onDisk = text;
    }
    log(`${slug}: ${report.join(' · ')}`);
    for (const line of skipped) log(line);
  }

  return { counts, changedFile: onDisk !== original };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const key = checkTestKey(process.env.STRIPE_SECRET_KEY);
  const apiBase = process.env.STRIPE_API_BASE?.trim() || 'https://api.stripe.com';
  const stripe = stripeClient(key, apiBase);
  const relative = path.relative(process.cwd(), options.catalogPath) || options.catalogPath;
  console.log(`Seeding ${relative} into Stripe test mode at ${apiBase} (Payment Links return to ${options.shopUrl}/success)`);
  const { counts, changedFile } = await seed({ stripe, catalogPath: options.catalogPath, shopUrl: options.shopUrl, reseed: options.reseed, log: (line) => console.log(`  ${line}`) });
  const skipped = counts.skipped ? ` (changed in Stripe; --reseed puts the catalog's values back)` : '';
  console.log(`Done: ${counts.created} created, ${counts.updated} updated, ${counts.reused} reused, ${counts.skipped} skipped${skipped}. ${changedFile ? `Wrote ${relative}.` : `${relative} unchanged.`}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof UsageError) {
      console.error(`stripe:seed: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    const detail = error instanceof Stripe.errors.StripeError ? `Stripe said (${error.statusCode ?? '?'} ${error.code ?? error.type}): ${error.message}` : (error?.stack ?? String(error));
    console.error(`stripe:seed failed: ${detail}`);
    process.exitCode = 1;
  },
);
