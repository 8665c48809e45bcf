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
    linkOptions: (entry: { digital?: boolean; promotionCodes?: boolean }, catalog: { shipping?: { countries: string[] } }) => paymentLinkOptions(entry, {}, catalog.shipping),
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
    // A product, price and link for each of the 4, and the catalog's 2 shipping rates.
    expect(result.counts.created).toBe(14);
    expect(local.all('shipping_rate')).toEqual([]);
    expect(local.all('product')).toEqual([]);
    expect(await readFile(catalogPath, 'utf8')).toBe(original);
  });

  it('a test run writes paymentLinks.test and leaves paymentLinks.live as it was', async () => {
    await run('test');
    const catalog = JSON.parse(await readFile(catalogPath, 'utf8')) as { products: { paymentLinks: { test: { id: string | null }; live: { id: string | null } } }[] };
    expect(catalog.products.every((p) => p.paymentLinks.test.id?.startsWith('plink_') && p.paymentLinks.live.id === null)).toBe(true);
  });

  it('paymentLinkOptions: the catalog’s shipping only for a shipped product, promotion codes by the product first, then the shop', () => {
    const vars = { CHECKOUT_PROMOTION_CODES: 'true' };
    const shipping = { countries: ['US', 'CA'], rates: [{ name: 'Standard', amount: 500, currency: 'usd' }] };
    expect(paymentLinkOptions({ digital: false }, vars, shipping)).toEqual({ promotionCodes: true, shipping: { countries: ['US', 'CA'], rates: shipping.rates } });
    expect(paymentLinkOptions({ digital: true, promotionCodes: false }, vars, shipping)).toEqual({ promotionCodes: false, shipping: null });
    expect(paymentLinkOptions({ digital: false }, {}, undefined)).toEqual({ promotionCodes: false, shipping: null });
    expect(paymentLinkOptions({ digital: false }, {}, { countries: ['GB'] })).toEqual({ promotionCodes: false, shipping: { countries: ['GB'], rates: [] } });
  });

  it('the mug’s link asks an address in the catalog’s countries and offers its rates as Shipping Rates, made once: a second run reuses them', async () => {
    await run('test');
    const rates = local.all<{ id: string; display_name: string; fixed_amount: { amount: number }; metadata: Record<string, string> }>('shipping_rate');
    expect(rates.map((rate) => [rate.display_name, rate.fixed_amount.amount, rate.metadata.catalog_shipping_rate])).toEqual([
      ['Standard', 500, 'Standard|500|usd|3|7'],
      ['Express', 1500, 'Express|1500|usd|1|2'],
    ]);
    const catalog = JSON.parse(await readFile(catalogPath, 'utf8')) as { products: { id: string; paymentLinks: { test: { id: string } } }[] };
    const linkOf = (slug: string) => local.get<{ shipping_address_collection: unknown; shipping_options: unknown }>(catalog.products.find((p) => p.id === slug)!.paymentLinks.test.id)!;
    expect(linkOf('enamel-mug')).toMatchObject({
      shipping_address_collection: { allowed_countries: ['US', 'CA', 'GB'] },
      shipping_options: [{ shipping_amount: 500, shipping_rate: rates[0]!.id }, { shipping_amount: 1500, shipping_rate: rates[1]!.id }],
    });
    expect(linkOf('field-notes')).toMatchObject({ shipping_address_collection: null, shipping_options: [] });
    const again = await run('test');
    expect(again.counts).toMatchObject({ created: 0, skipped: 0 });
    expect(local.all('shipping_rate')).toHaveLength(2);
  });
});
