// The build refuses a catalog whose checkout options the worker could not honour: a per-product
// quantity limit must be a whole number the cart can offer.
import { describe, expect, it } from 'vitest';
import type { Catalog, Product } from '../../../catalog';
import catalogData from '../../../catalog/catalog.json';
import { MAX_QUANTITY } from '../../../contract/limits';
import { checkCatalog } from '../../../site/build/storefront';

const shipped = catalogData as Catalog;
const withMug = (change: Partial<Product>): Catalog => ({
  ...shipped,
  products: shipped.products.map((product) => (product.id === 'enamel-mug' ? { ...product, ...change } : product)),
});

describe('checkCatalog: maxQuantity', () => {
  it('the shipped catalog passes (enamel-mug: 4)', () => {
    expect(() => checkCatalog(shipped)).not.toThrow();
  });

  it.each([0, -1, 2.5, MAX_QUANTITY + 1, Number.NaN])('maxQuantity %s → refused, naming the product and the range', (maxQuantity) => {
    expect(() => checkCatalog(withMug({ maxQuantity }))).toThrow(`catalog/catalog.json products[2] ("enamel-mug"): maxQuantity must be a whole number from 1 to ${MAX_QUANTITY}`);
  });

  it.each([1, MAX_QUANTITY])('maxQuantity %s is accepted', (maxQuantity) => {
    expect(() => checkCatalog(withMug({ maxQuantity }))).not.toThrow();
  });
});

describe('checkCatalog: shipping', () => {
  it('a physical product with no shipping countries → refused, naming the product and the fix', () => {
    const { shipping: _dropped, ...withoutShipping } = shipped;
    expect(() => checkCatalog(withoutShipping)).toThrow(
      /^catalog\/catalog\.json products\[2\] \("enamel-mug"\) is shipped \("digital": false\) but the catalog names no countries to ship to: add "shipping": \{ "countries": \["US", "CA"\]/,
    );
    expect(() => checkCatalog({ ...shipped, shipping: { countries: [] } })).toThrow(/\("enamel-mug"\) is shipped/);
  });

  it('a digital-only catalog needs no shipping', () => {
    const { shipping: _dropped, ...withoutShipping } = shipped;
    expect(() => checkCatalog({ ...withoutShipping, products: shipped.products.filter((product) => product.digital) })).not.toThrow();
  });

  it.each([
    [{ countries: ['usa'] }, /shipping\.countries must be two-letter ISO codes/],
    [{ countries: ['US'], rates: [{ name: 'Standard', amount: 4.5, currency: 'usd' }] }, /shipping\.rates\[0\]: amount must be a whole number of minor units/],
    [{ countries: ['US'], rates: [{ name: 'Standard', amount: 500, currency: 'eur' }] }, /shipping\.rates\[0\]: currency eur is not the physical products' \(usd\)/],
    [{ countries: ['US'], rates: [{ name: '', amount: 500, currency: 'usd' }] }, /shipping\.rates\[0\]: name must be 1–100 characters/],
    [{ countries: ['US'], rates: [{ name: 'Slow', amount: 0, currency: 'usd', minDays: 9, maxDays: 3 }] }, /shipping\.rates\[0\]: minDays must not be more than maxDays/],
  ])('shipping %j → refused: %s', (shipping, message) => {
    expect(() => checkCatalog({ ...shipped, shipping })).toThrow(message);
  });
});

describe('checkCatalog: periodFiles', () => {
  const withClub = (change: Partial<Product>): Catalog => ({
    ...shipped,
    products: shipped.products.map((product) => (product.id === 'field-notes-club' ? { ...product, ...change } : product)),
  });
  const pack = (period: number, key = `field-notes/pack-${period}.pdf`) => ({ period, key, name: `Pack ${period}` });

  it('the shipped catalog’s Field Notes Club names a file for its second and third periods', () => {
    const club = shipped.products.find((product) => product.id === 'field-notes-club')!;
    expect(club.periodFiles?.map((file) => file.period)).toEqual([2, 3]);
  });

  it.each([0, -1, 1.5, Number.NaN])('period %s → refused, naming the product', (period) => {
    expect(() => checkCatalog(withClub({ periodFiles: [pack(period)] }))).toThrow(/products\[\d+\] \("field-notes-club"\): periodFiles\[0\]\.period must be a whole number from 1/);
  });

  it('a one-time product with periodFiles → refused: it has no later periods', () => {
    expect(() => checkCatalog(withMug({ periodFiles: [pack(2)] }))).toThrow('("enamel-mug"): periodFiles need a subscription (price.interval)');
  });

  it('a period file without a key, or with a key the product names twice → refused', () => {
    expect(() => checkCatalog(withClub({ periodFiles: [{ period: 2, key: '', name: 'x' }] }))).toThrow('periodFiles[0] needs a key and a name');
    expect(() => checkCatalog(withClub({ periodFiles: [pack(2, 'same.pdf'), pack(3, 'same.pdf')] }))).toThrow('periodFiles[0].key same.pdf is named twice');
  });
});
