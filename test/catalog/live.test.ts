import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalog, type Product } from '../../catalog';
import {
  buildTimeShop,
  canAddToCart,
  liveShop,
  mergeLiveCatalog,
  parseLiveCatalog,
  type LiveCatalog,
  type LivePrice,
  type LiveProduct,
} from '../../catalog/live';

function product(id: string, overrides: Partial<Product> = {}): Product {
  return {
    id,
    name: `Build-time ${id}`,
    description: `About ${id}.`,
    image: `/images/${id}.svg`,
    imageAlt: id,
    price: { amount: 1000, currency: 'usd' },
    digital: true,
    paymentLinks: { test: { id: null, url: null }, live: { id: null, url: null } },
    ...overrides,
  };
}

function price(id: string, overrides: Partial<LivePrice> = {}): LivePrice {
  return { id, currency: 'usd', unitAmount: 1500, type: 'one_time', interval: null, ...overrides };
}

function liveProduct(id: string, overrides: Partial<LiveProduct> = {}): LiveProduct {
  return {
    id,
    name: `Live ${id}`,
    description: `Live description of ${id}.`,
    catalogId: null,
    prices: [price(`price_${id}`)],
    ...overrides,
  };
}

const live = (...products: LiveProduct[]): LiveCatalog => ({ checkout: true, products });

const notes = product('field-notes');
const map = product('trail-map-print');
const mug = product('enamel-mug');
const seededMug = product('enamel-mug', { stripe: { productId: 'prod_mug', priceId: 'price_mug_seed' } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('mergeLiveCatalog', () => {
  it('matches by catalogId and takes the live name, description and price', () => {
    const merged = mergeLiveCatalog(
      [notes],
      live(liveProduct('prod_notes', { catalogId: 'field-notes', prices: [price('price_notes', { unitAmount: 1400 })] })),
    );
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: 'field-notes',
      name: 'Live prod_notes',
      description: 'Live description of prod_notes.',
      price: { amount: 1400, currency: 'usd' },
      priceId: 'price_notes',
      interval: null,
      // Build-time parts stay.
      image: '/images/field-notes.svg',
      digital: true,
    });
  });

  it('matches by stripe.productId when the live product has no catalogId', () => {
    const merged = mergeLiveCatalog([seededMug], live(liveProduct('prod_mug', { name: 'Mug (live)' })));
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ id: 'enamel-mug', name: 'Mug (live)', priceId: 'price_prod_mug' });
  });

  it('prefers the stripe.productId match over another product claiming the same catalogId', () => {
    const merged = mergeLiveCatalog(
      [seededMug],
      live(liveProduct('prod_other', { catalogId: 'enamel-mug', name: 'Other' }), liveProduct('prod_mug', { name: 'Seeded' })),
    );
    expect(merged.map((p) => p.name)).toEqual(['Seeded']);
  });

  it('drops build-time products without a live match once the live catalog carries catalogIds (archived)', () => {
    const merged = mergeLiveCatalog([notes, map, mug], live(liveProduct('prod_map', { catalogId: 'trail-map-print' })));
    expect(merged.map((p) => p.id)).toEqual(['trail-map-print']);
  });

  it('drops a product with stripe.productId that the live catalog no longer has', () => {
    // No live product carries a catalogId, but the seeded mug names its Stripe product, which is gone.
    const merged = mergeLiveCatalog([notes, seededMug], live(liveProduct('prod_unrelated')));
    expect(merged.map((p) => p.id)).toEqual(['field-notes']);
    expect(merged[0]).toMatchObject({ name: 'Build-time field-notes', priceId: null });
  });

  it('keeps products it cannot judge: no catalogIds live and no stripe.productId', () => {
    const merged = mergeLiveCatalog([notes, map], live(liveProduct('prod_unrelated')));
    expect(merged.map((p) => p.id)).toEqual(['field-notes', 'trail-map-print']);
  });

  it('leaves the build-time catalog untouched when the live catalog has no products', () => {
    const merged = mergeLiveCatalog([notes, map, seededMug], live());
    expect(merged).toEqual([
      { ...notes, priceId: null, interval: null },
      { ...map, priceId: null, interval: null },
      { ...seededMug, priceId: 'price_mug_seed', interval: null },
    ]);
  });

  it('leaves the sample catalog untouched for an empty mirror', () => {
    const merged = mergeLiveCatalog(catalog.products, { checkout: false, products: [] });
    expect(merged.map((p) => p.id)).toEqual(catalog.products.map((p) => p.id));
    expect(merged.map((p) => p.price)).toEqual(catalog.products.map((p) => p.price));
    expect(merged.every((p) => p.priceId === null)).toBe(true);
  });

  it('takes the first one-time price over an earlier recurring one', () => {
    const merged = mergeLiveCatalog(
      [notes],
      live(
        liveProduct('prod_notes', {
          catalogId: 'field-notes',
          prices: [
            price('price_monthly', { type: 'recurring', interval: 'month', unitAmount: 300 }),
            price('price_once', { unitAmount: 2000, currency: 'eur' }),
            price('price_once_later', { unitAmount: 2500 }),
          ],
        }),
      ),
    );
    expect(merged[0]).toMatchObject({ price: { amount: 2000, currency: 'eur' }, priceId: 'price_once', interval: null });
  });

  it('falls back to the first price (with its interval) when there is no one-time price', () => {
    const merged = mergeLiveCatalog(
      [notes],
      live(
        liveProduct('prod_notes', {
          catalogId: 'field-notes',
          prices: [
            price('price_monthly', { type: 'recurring', interval: 'month', unitAmount: 300 }),
            price('price_yearly', { type: 'recurring', interval: 'year', unitAmount: 3000 }),
          ],
        }),
      ),
    );
    expect(merged[0]).toMatchObject({ price: { amount: 300, currency: 'usd' }, priceId: 'price_monthly', interval: 'month' });
  });

  it('keeps the build-time description when the live one is null', () => {
    const merged = mergeLiveCatalog([notes], live(liveProduct('prod_notes', { catalogId: 'field-notes', description: null })));
    expect(merged[0]?.description).toBe('About field-notes.');
  });

  it('keeps the build-time price but no priceId for a live match without active prices', () => {
    const merged = mergeLiveCatalog([seededMug], live(liveProduct('prod_mug', { prices: [] })));
    expect(merged[0]).toMatchObject({ price: { amount: 1000, currency: 'usd' }, priceId: null });
  });

  it('keeps build-time order and does not show live products without a build-time entry', () => {
    const merged = mergeLiveCatalog(
      [notes, map, mug],
      live(
        liveProduct('prod_new', { catalogId: 'brand-new' }),
        liveProduct('prod_mug', { catalogId: 'enamel-mug' }),
        liveProduct('prod_notes', { catalogId: 'field-notes' }),
      ),
    );
    expect(merged.map((p) => p.id)).toEqual(['field-notes', 'enamel-mug']);
  });

  it('does not change its inputs', () => {
    const buildTime = [notes, seededMug];
    const before = structuredClone(buildTime);
    mergeLiveCatalog(buildTime, live(liveProduct('prod_mug', { name: 'Changed' })));
    expect(buildTime).toEqual(before);
  });
});

describe('shops and the cart offer', () => {
  it('offers no cart before the live catalog arrives, even for seeded products', () => {
    const shop = buildTimeShop([seededMug]);
    expect(shop).toMatchObject({ checkout: false, live: false });
    expect(canAddToCart(shop, shop.products[0]!)).toBe(false);
  });

  it('offers the cart for products with a price id when the worker can check out', () => {
    const shop = liveShop([notes, seededMug], live(liveProduct('prod_mug')));
    expect(shop.live).toBe(true);
    expect(shop.products.map((p) => [p.id, canAddToCart(shop, p)])).toEqual([
      ['field-notes', false],
      ['enamel-mug', true],
    ]);
  });

  it('offers no cart when the worker cannot check out', () => {
    const shop = liveShop([seededMug], { checkout: false, products: [liveProduct('prod_mug')] });
    expect(canAddToCart(shop, shop.products[0]!)).toBe(false);
  });
});

describe('parseLiveCatalog', () => {
  it('accepts the documented response', () => {
    const body = {
      checkout: true,
      products: [
        {
          id: 'prod_1',
          name: 'Field Notes',
          description: null,
          catalogId: 'field-notes',
          prices: [
            { id: 'price_1', currency: 'USD', unitAmount: 1200, type: 'one_time', interval: null },
            { id: 'price_2', currency: 'usd', unitAmount: 500, type: 'recurring', interval: 'month' },
          ],
        },
      ],
    };
    expect(parseLiveCatalog(body)).toEqual({
      checkout: true,
      products: [
        {
          id: 'prod_1',
          name: 'Field Notes',
          description: null,
          catalogId: 'field-notes',
          prices: [
            { id: 'price_1', currency: 'usd', unitAmount: 1200, type: 'one_time', interval: null },
            { id: 'price_2', currency: 'usd', unitAmount: 500, type: 'recurring', interval: 'month' },
          ],
        },
      ],
    });
  });

  it('treats anything but checkout: true as false', () => {
    expect(parseLiveCatalog({ checkout: 'true', products: [] })?.checkout).toBe(false);
    expect(parseLiveCatalog({ products: [] })?.checkout).toBe(false);
  });

  it('drops malformed products and prices', () => {
    const parsed = parseLiveCatalog({
      checkout: true,
      products: [
        null,
        { id: 'prod_no_name' },
        { id: 42, name: 'x' },
        {
          id: 'prod_ok',
          name: 'OK',
          description: 7,
          catalogId: '',
          prices: [
            { id: 'price_ok', currency: 'usd', unitAmount: 100, type: 'one_time' },
            { id: 'price_custom', currency: 'usd', unitAmount: null, type: 'one_time' },
            { id: 'price_bad_currency', currency: 'dollars', unitAmount: 100, type: 'one_time' },
            { id: 'price_fraction', currency: 'usd', unitAmount: 1.5, type: 'one_time' },
            { id: 'price_negative', currency: 'usd', unitAmount: -1, type: 'one_time' },
            { id: 'price_weird', currency: 'usd', unitAmount: 100, type: 'tiered' },
            'price_string',
          ],
        },
      ],
    });
    expect(parsed?.products).toEqual([
      {
        id: 'prod_ok',
        name: 'OK',
        description: null,
        catalogId: null,
        prices: [{ id: 'price_ok', currency: 'usd', unitAmount: 100, type: 'one_time', interval: null }],
      },
    ]);
  });

  it.each([null, undefined, 'x', [], {}, { products: 'none' }, { error: 'internal' }])('rejects %j', (body) => {
    expect(parseLiveCatalog(body)).toBeNull();
  });
});
