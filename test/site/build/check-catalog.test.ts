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
