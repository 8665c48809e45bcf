// tools/lib/catalog-in-stripe.mjs, the catalog in Stripe for stripe:seed and launch: a run of one
// mode never writes what Stripe answers for the other, and a dry run changes nothing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { paymentLinkOptions, putCatalogInStripe } from '../../../tools/lib/catalog-in-stripe.mjs';
import { stripeClient } from '../../../tools/lib/stripe-client.mjs';
import { startLocalStripe, type LocalStripe } from '../../../tools/local-stripe/index';
import { ROOT } from '../run-cli';

let local: LocalStripe;
let dir: string;
let catalogPath: string;
let original: string;

beforeAll(async () => {
  local = await startLocalStripe({ log: false });
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-in-stripe-'));
  original = await readFile(path.join(ROOT, 'catalog/catalog.json'), 'utf8');
});
afterAll(async () => {
  await local.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  local.reset();
  catalogPath = path.join(dir, 'catalog.json');
  await writeFile(catalogPath, original);
});

const run = (mode: 'test' | 'live', dryRun = false) =>
  putCatalogInStripe({
    stripe: stripeClient('sk_test_lib', local.url, 'test'),
    catalogPath,
    mode,
    shopUrl: 'https://shop.example',
    reseed: false,
    linkOptions: (entry: { digital?: boolean; promotionCodes?: boolean }) => paymentLinkOptions(entry, { CHECKOUT_SHIPPING_COUNTRIES: 'US' }),
    log: () => {},
    dryRun,
  });

describe('putCatalogInStripe', () => {
  it('a live run refuses the first test-mode object Stripe answers, writing nothing into the catalog', async () => {
    await expect(run('live')).rejects.toThrow(/Stripe returned a test-mode object \(prod_\w+\) to a live-mode run; refusing to continue/);
    expect(await readFile(catalogPath, 'utf8')).toBe(original);
  });

  it('a dry run creates nothing in Stripe and leaves the catalog as it was, counting what it would create', async () => {
    const result = await run('test', true);
    expect(result.counts.created).toBe(12);
    expect(local.all('product')).toEqual([]);
    expect(await readFile(catalogPath, 'utf8')).toBe(original);
  });

  it('a test run writes paymentLinks.test and leaves paymentLinks.live as it was', async () => {
    await run('test');
    const catalog = JSON.parse(await readFile(catalogPath, 'utf8')) as { products: { paymentLinks: { test: { id: string | null }; live: { id: string | null } } }[] };
    expect(catalog.products.every((p) => p.paymentLinks.test.id?.startsWith('plink_') && p.paymentLinks.live.id === null)).toBe(true);
  });

  it('paymentLinkOptions: an address only for a shipped product, promotion codes by the product first, then the shop', () => {
    const vars = { CHECKOUT_SHIPPING_COUNTRIES: ' us, ca ', CHECKOUT_PROMOTION_CODES: 'true' };
    expect(paymentLinkOptions({ digital: false }, vars)).toEqual({ promotionCodes: true, shippingCountries: ['US', 'CA'] });
    expect(paymentLinkOptions({ digital: true, promotionCodes: false }, vars)).toEqual({ promotionCodes: false, shippingCountries: null });
    expect(paymentLinkOptions({ digital: false }, {})).toEqual({ promotionCodes: false, shippingCountries: null });
  });
});
