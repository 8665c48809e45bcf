// tools/stripe-seed.mjs against the fake Stripe API, on a temporary copy of the catalog.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStripe, type LocalStripe } from '../../tools/local-stripe/index';
import { localStripeClient } from './support/local-stripe';
import { closedPort, ROOT, runCli } from './run-cli';

const SEED = 'tools/stripe-seed.mjs';
const SHOP = 'http://127.0.0.1:8787';

interface CatalogFile {
  shopName: string;
  products: {
    id: string;
    name: string;
    price: { amount: number; currency: string; interval?: string };
    paymentLinks: { test: { id: string | null; url: string | null }; live: { id: string | null; url: string | null } };
    stripe?: { productId: string; priceId: string };
  }[];
}

let fake: LocalStripe;
let dir: string;
let catalogPath: string;
let original: string;

const seed = (env: Record<string, string> = {}, args: string[] = []) =>
  runCli(SEED, ['--catalog', catalogPath, '--shop-url', SHOP, ...args], { STRIPE_SECRET_KEY: 'sk_test_seed', STRIPE_API_BASE: fake.url, ...env });
const counts = () => ({ products: fake.all('product').length, prices: fake.all('price').length, links: fake.all('payment_link').length });
const readCatalog = async () => JSON.parse(await readFile(catalogPath, 'utf8')) as CatalogFile;
const activePrices = (productId: string) => fake.all('price').filter((p) => p.product === productId && p.active);

/** The seller's Stripe client: what the dashboard does, through the API. */
function sellerStripe(): Stripe {
  return localStripeClient(fake.url, 'sk_test_seller');
}

/** The seller renames a seeded product and gives it a new price, as Stripe's dashboard does (new default price, old one archived). */
async function editInDashboard(productId: string, name: string, amount: number) {
  const stripe = sellerStripe();
  const product = await stripe.products.retrieve(productId);
  const old = String(product.default_price);
  await stripe.products.update(productId, { name });
  const price = await stripe.prices.create({ product: productId, unit_amount: amount, currency: 'usd' });
  await stripe.products.update(productId, { default_price: price.id });
  await stripe.prices.update(old, { active: false });
  return price;
}

beforeAll(async () => {
  fake = await startLocalStripe({ log: false });
  dir = await mkdtemp(path.join(tmpdir(), 'stripe-seed-'));
  original = await readFile(path.join(ROOT, 'catalog/catalog.json'), 'utf8');
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake.reset();
  catalogPath = path.join(dir, `catalog-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(catalogPath, original);
});

describe('stripe:seed', () => {
  it('creates a product, price and Payment Link per catalog product and writes them back', async () => {
    const result = await seed();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The sample catalog: three one-time products and a monthly subscription.
    expect(counts()).toEqual({ products: 4, prices: 4, links: 4 });
    // A product, price and link for each of the 4, and the catalog's 2 shipping rates.
    expect(result.stdout).toMatch(/Done: 14 created, 0 updated, 0 reused/);

    const catalog = await readCatalog();
    const before = JSON.parse(original) as CatalogFile;
    for (const [index, entry] of catalog.products.entries()) {
      const product = fake.get(entry.stripe!.productId)!;
      const price = fake.get(entry.stripe!.priceId)!;
      const link = fake.get(entry.paymentLinks.test.id!)!;
      expect(product).toMatchObject({ name: entry.name, metadata: { catalog_id: entry.id }, default_price: price.id, active: true });
      expect(price).toMatchObject({ product: product.id, unit_amount: entry.price.amount, currency: entry.price.currency, type: entry.price.interval ? 'recurring' : 'one_time', active: true });
      expect(price.recurring?.interval ?? null).toBe(entry.price.interval ?? null);
      expect(link).toMatchObject({ active: true, metadata: { catalog_id: entry.id }, after_completion: { type: 'redirect', redirect: { url: `${SHOP}/success?session_id={CHECKOUT_SESSION_ID}` } } });
      expect(entry.paymentLinks.test).toEqual({ id: link.id, url: link.url });
      expect(entry.paymentLinks.live).toEqual(before.products[index]!.paymentLinks.live);
      expect(entry.stripe).toEqual({ productId: product.id, priceId: price.id });
    }
    // Everything else is untouched, in the file's own formatting.
    const text = await readFile(catalogPath, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('      "price": { "amount": 1200, "currency": "usd" },');
    expect(text).toMatch(/\n {8}"test": \{ "id": "plink_[A-Za-z0-9]+", "url": "http:\/\/127\.0\.0\.1:\d+\/pay-link\/plink_[A-Za-z0-9]+" \},\n/);
    expect(text).toMatch(/\n {6}"stripe": \{ "productId": "prod_[A-Za-z0-9]+", "priceId": "price_[A-Za-z0-9]+" \}\n/);
    const stripped = JSON.parse(text) as CatalogFile;
    for (const entry of stripped.products) {
      delete entry.stripe;
      entry.paymentLinks.test = { id: null, url: null };
    }
    expect(stripped).toEqual(before);

    // The link sells the right thing.
    const first = catalog.products[0]!;
    const visit = await fetch(`${first.paymentLinks.test.url}?client_reference_id=buyer_1`, { redirect: 'manual' });
    const session = fake.get(visit.headers.get('location')!.replace('/pay/', ''))!;
    expect(session).toMatchObject({ amount_total: first.price.amount, payment_link: first.paymentLinks.test.id, metadata: { catalog_id: first.id } });
  });

  it('reuses everything on a second run: no new objects, same catalog', async () => {
    expect((await seed()).code).toBe(0);
    const afterFirst = await readFile(catalogPath, 'utf8');
    const before = counts();
    const eventsBefore = fake.events().length;

    const second = await seed();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Done: 0 created, 0 updated, 12 reused/);
    expect(second.stdout).toMatch(/unchanged/);
    expect(counts()).toEqual(before);
    expect(fake.events().length).toBe(eventsBefore);
    expect(await readFile(catalogPath, 'utf8')).toBe(afterFirst);
  });

  it('with --reseed, finds products again by metadata.catalog_id and follows a catalog price change with a new price and link, the old price archived', async () => {
    expect((await seed()).code).toBe(0);
    const firstRun = await readCatalog();
    const catalog = await readCatalog();
    const oldEntry = structuredClone(catalog.products[1]!);
    // Lose the written-back ids, and raise a price.
    catalog.products[1]!.price.amount = 2600;
    for (const entry of catalog.products) {
      delete entry.stripe;
      entry.paymentLinks.test = { id: null, url: null };
    }
    await writeFile(catalogPath, `${JSON.stringify(catalog, null, 2)}\n`);
    const changed = (file: CatalogFile) => file.products[1]!;

    const result = await seed({}, ['--reseed']);
    expect(result.code).toBe(0);
    expect(counts()).toEqual({ products: 4, prices: 5, links: 5 });
    expect(fake.get(oldEntry.stripe!.priceId)).toMatchObject({ active: false });
    expect(activePrices(changed(await readCatalog()).stripe!.productId)).toHaveLength(1);
    const after = await readCatalog();
    const entry = changed(after);
    expect(entry.stripe!.productId).toBe(oldEntry.stripe!.productId);
    expect(entry.stripe!.priceId).not.toBe(oldEntry.stripe!.priceId);
    expect(fake.get(entry.stripe!.priceId)).toMatchObject({ unit_amount: 2600 });
    expect(fake.get(entry.stripe!.productId)).toMatchObject({ default_price: entry.stripe!.priceId });
    expect(entry.paymentLinks.test.id).not.toBe(oldEntry.paymentLinks.test.id);
    // Unchanged products get their existing link back, found by metadata.catalog_id and its line item.
    expect(after.products[0]!.paymentLinks.test.id).toBe(firstRun.products[0]!.paymentLinks.test.id);
    expect(after.products[2]!.stripe).toEqual(firstRun.products[2]!.stripe);
    expect(result.stdout).toMatch(/trail-map-print: product prod_\w+ reused · price price_\w+ created · price price_\w+ archived · payment link plink_\w+ created/);
  });

  it('keeps a product renamed and repriced in Stripe on a second run: the seller’s name and price, one active price, a line per skipped object', async () => {
    expect((await seed()).code).toBe(0);
    const seeded = (await readCatalog()).products[0]!;
    const sellers = await editInDashboard(seeded.stripe!.productId, 'Pattern Pack (seller edit)', 1500);
    const eventsBefore = fake.events().length;

    const second = await seed();
    expect(second.code).toBe(0);
    expect(fake.get(seeded.stripe!.productId)).toMatchObject({ name: 'Pattern Pack (seller edit)', default_price: sellers.id, active: true });
    expect(activePrices(seeded.stripe!.productId).map((p) => p.id)).toEqual([sellers.id]);
    expect(second.stdout).toContain(`  field-notes: skipped product ${seeded.stripe!.productId}: its name is "Pattern Pack (seller edit)" in Stripe, "Field Notes Pattern Pack" in the catalog\n`);
    expect(second.stdout).toContain(`  field-notes: skipped price ${sellers.id}: 1500 usd in Stripe, 1200 usd in the catalog\n`);
    expect(second.stdout).toMatch(/Done: 1 created, 0 updated, 9 reused, 2 skipped \(changed in Stripe; --reseed puts the catalog's values back\)/);
    // What is missing is made: a Payment Link that sells the seller's price (the old one sells an archived price).
    const entry = (await readCatalog()).products[0]!;
    expect(entry.stripe).toEqual({ productId: seeded.stripe!.productId, priceId: sellers.id });
    expect(fake.events().slice(eventsBefore).map((e) => e.type)).toEqual(['payment_link.created']);
    const visit = await fetch(`${entry.paymentLinks.test.url}`, { redirect: 'manual' });
    expect(fake.get(visit.headers.get('location')!.replace('/pay/', ''))).toMatchObject({ amount_total: 1500 });

    const third = await seed();
    expect(third.stdout).toMatch(/Done: 0 created, 0 updated, 10 reused, 2 skipped/);
    expect(activePrices(seeded.stripe!.productId)).toHaveLength(1);
  });

  it('keeps a product archived in Stripe archived, and makes nothing new for it', async () => {
    expect((await seed()).code).toBe(0);
    const seeded = (await readCatalog()).products[2]!;
    await sellerStripe().products.update(seeded.stripe!.productId, { active: false });
    const before = counts();

    const second = await seed();
    expect(second.code).toBe(0);
    expect(fake.get(seeded.stripe!.productId)).toMatchObject({ active: false });
    expect(counts()).toEqual(before);
    expect(second.stdout).toContain(`  ${seeded.id}: skipped product ${seeded.stripe!.productId}: archived in Stripe\n`);
  });

  it('with --reseed, puts the catalog’s name and price back: one active price, the catalog’s', async () => {
    expect((await seed()).code).toBe(0);
    const seeded = (await readCatalog()).products[0]!;
    const sellers = await editInDashboard(seeded.stripe!.productId, 'Pattern Pack (seller edit)', 1500);
    await sellerStripe().products.update(seeded.stripe!.productId, { active: false });

    const reseeded = await seed({}, ['--reseed']);
    expect(reseeded.code).toBe(0);
    expect(reseeded.stdout).not.toContain('skipped ');
    const entry = (await readCatalog()).products[0]!;
    expect(fake.get(seeded.stripe!.productId)).toMatchObject({ name: 'Field Notes Pattern Pack', active: true, default_price: entry.stripe!.priceId });
    expect(activePrices(seeded.stripe!.productId).map((p) => [p.id, p.unit_amount])).toEqual([[entry.stripe!.priceId, 1200]]);
    expect(fake.get(sellers.id)).toMatchObject({ active: false });
  });

  it('as npm start runs them: after a restart of the local Stripe from its state file, a second seed keeps the dashboard’s rename and price', async () => {
    const statePath = path.join(dir, `state-${Math.random().toString(36).slice(2)}.json`);
    const seedInto = (local: LocalStripe) => runCli(SEED, ['--catalog', catalogPath, '--shop-url', SHOP], { STRIPE_SECRET_KEY: 'sk_test_seed', STRIPE_API_BASE: local.url });
    let local = await startLocalStripe({ log: false, statePath });
    expect((await seedInto(local)).code).toBe(0);
    const productId = (await readCatalog()).products[0]!.stripe!.productId;
    // The seller's edits, through the dashboard's own forms (as the browser posts them).
    const act = (action: string, fields: Record<string, string>) =>
      fetch(`${local.url}/dashboard/${action}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual', headers: { origin: local.url } });
    expect((await act('rename', { product: productId, name: 'Renamed by the seller' })).status).toBe(303);
    expect((await act('reprice', { product: productId, amount: '15.00' })).status).toBe(303);
    await local.close();

    local = await startLocalStripe({ log: false, statePath });
    try {
      const second = await seedInto(local);
      expect(second.code).toBe(0);
      expect(local.get(productId)).toMatchObject({ name: 'Renamed by the seller' });
      const active = local.all('price').filter((p) => p.product === productId && p.active);
      expect(active.map((p) => p.unit_amount)).toEqual([1500]);
      expect(second.stdout).toMatch(/field-notes: skipped product prod_\w+: its name is "Renamed by the seller" in Stripe/);
    } finally {
      await local.close();
    }
  });

  it('refuses a live key (and a missing one) without calling Stripe', async () => {
    for (const key of ['sk_live_1234567890', 'rk_live_1234567890', 'pk_test_123', '']) {
      const result = await seed({ STRIPE_SECRET_KEY: key });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(key.includes('live') ? /Refusing a LIVE Stripe key/ : /STRIPE_SECRET_KEY/);
    }
    expect(fake.requests).toHaveLength(0);
    expect(await readFile(catalogPath, 'utf8')).toBe(original);
  });

  it('accepts a restricted test key', async () => {
    const result = await seed({ STRIPE_SECRET_KEY: 'rk_test_restricted' });
    expect(result.code).toBe(0);
    expect(counts().products).toBe(4);
  });

  it('fails with a non-zero exit when Stripe cannot be reached', async () => {
    const result = await seed({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_API_BASE: `http://127.0.0.1:${await closedPort()}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stripe:seed failed/);
  });
});

describe('stripe:seed: what each Payment Link asks', () => {
  /** A copy of wrangler.toml with these checkout settings. */
  async function config(vars: Record<string, string>): Promise<string> {
    let text = await readFile(path.join(ROOT, 'wrangler.toml'), 'utf8');
    for (const [name, value] of Object.entries(vars)) text = text.replace(new RegExp(`^${name} = ".*"$`, 'm'), `${name} = "${value}"`);
    const file = path.join(dir, `wrangler-${Math.random().toString(36).slice(2)}.toml`);
    await writeFile(file, text);
    return file;
  }
  const linkOf = async (slug: string) => fake.get<Stripe.PaymentLink>((await readCatalog()).products.find((p) => p.id === slug)!.paymentLinks.test.id!)!;

  it('a physical product’s link asks for an address in the catalog’s shipping countries and offers its rates, a digital one’s neither; promotion codes follow CHECKOUT_PROMOTION_CODES', async () => {
    const result = await seed({}, ['--config', await config({ CHECKOUT_PROMOTION_CODES: 'true' })]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/enamel-mug: .*shipping rate shr_\w+ created · shipping rate shr_\w+ created/);
    const mug = await linkOf('enamel-mug');
    expect(mug).toMatchObject({ allow_promotion_codes: true, shipping_address_collection: { allowed_countries: ['US', 'CA', 'GB'] } });
    expect(mug.shipping_options.map((option) => option.shipping_amount)).toEqual([500, 1500]);
    expect(await linkOf('field-notes')).toMatchObject({ allow_promotion_codes: true, shipping_address_collection: null, shipping_options: [] });
  });

  it('a link whose shipping differs from the catalog keeps it, listed as skipped, until --reseed', async () => {
    await seed();
    const catalog = JSON.parse(await readFile(catalogPath, 'utf8'));
    catalog.shipping = { countries: ['GB'], rates: [{ name: 'Royal Mail', amount: 700, currency: 'usd' }] };
    await writeFile(catalogPath, `${JSON.stringify(catalog, null, 2)}\n`);
    const kept = await seed();
    expect(kept.stdout).toMatch(/enamel-mug: skipped options of payment link plink_\w+: shipping to CA,GB,US in Stripe, GB here; shipping rates shr_\w+,shr_\w+ in Stripe, the catalog's 1 here/);
    expect((await linkOf('enamel-mug')).shipping_address_collection).toEqual({ allowed_countries: ['US', 'CA', 'GB'] });
    const reseeded = await seed({}, ['--reseed']);
    expect(reseeded.code).toBe(0);
    const mug = await linkOf('enamel-mug');
    expect(mug.shipping_address_collection).toEqual({ allowed_countries: ['GB'] });
    expect(mug.shipping_options.map((option) => option.shipping_amount)).toEqual([700]);
    expect(counts().links).toBe(4);
    // Three seeds, each a Node process loading the catalog's TypeScript.
  }, 90_000);
});

describe('stripe:seed errors', () => {
  it('reports Stripe’s own error and exits 1', async () => {
    const catalog = path.join(dir, 'rate-limited.json');
    await writeFile(catalog, original);
    fake.reset();
    fake.set429(50);
    const result = await runCli(SEED, ['--catalog', catalog], { STRIPE_SECRET_KEY: 'sk_test_seed', STRIPE_API_BASE: fake.url });
    fake.set429(0);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Stripe said \(429 rate_limit\): Request rate limit exceeded/);
    expect(await readFile(catalog, 'utf8')).toBe(original);
  });
});
