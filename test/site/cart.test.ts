// cart.ts keeps a module-level fallback for when localStorage refuses writes, so each test
// imports a fresh copy of the module, as buyer.test.ts does.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Product } from '../../catalog';
import type { ShopProduct } from '../../catalog/live';

type CartModule = typeof import('../../site/src/cart');

const KEY = 'storefront.cart';

/** A Map-backed Storage; `failWith` makes the chosen methods throw like a browser would. */
class FakeStorage implements Storage {
  readonly data = new Map<string, string>();
  failWith: { read?: Error; write?: Error } = {};

  get length(): number {
    return this.data.size;
  }
  clear(): void {
    this.data.clear();
  }
  key(index: number): string | null {
    return [...this.data.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    if (this.failWith.read) throw this.failWith.read;
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.failWith.write) throw this.failWith.write;
    this.data.set(key, String(value));
  }
  removeItem(key: string): void {
    if (this.failWith.write) throw this.failWith.write;
    this.data.delete(key);
  }
}

let storage: FakeStorage;
let cart: CartModule;

beforeEach(async () => {
  storage = new FakeStorage();
  vi.stubGlobal('localStorage', storage);
  vi.resetModules();
  cart = await import('../../site/src/cart');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const notes = { productId: 'field-notes', priceId: 'price_notes' };
const mug = { productId: 'enamel-mug', priceId: 'price_mug' };

function shopProduct(id: string, priceId: string | null, amount = 1000, currency = 'usd', interval: string | null = null): ShopProduct {
  const product: Product = {
    id,
    name: id,
    description: '',
    image: `/images/${id}.svg`,
    imageAlt: '',
    price: { amount, currency },
    digital: true,
    paymentLinks: { test: { id: null, url: null }, live: { id: null, url: null } },
  };
  return { ...product, priceId, interval };
}

describe('addItem', () => {
  it('adds a new product with quantity 1', () => {
    expect(cart.addItem([], notes)).toEqual([{ ...notes, quantity: 1 }]);
  });

  it('merges quantities when the product is already in the cart, keeping its position', () => {
    let c = cart.addItem([], notes);
    c = cart.addItem(c, mug, 2);
    c = cart.addItem(c, notes, 3);
    expect(c).toEqual([
      { ...notes, quantity: 4 },
      { ...mug, quantity: 2 },
    ]);
  });

  it('caps merged quantities at 10', () => {
    const c = cart.addItem(cart.addItem([], notes, 8), notes, 5);
    expect(c).toEqual([{ ...notes, quantity: 10 }]);
    expect(cart.addItem(c, notes)).toEqual([{ ...notes, quantity: 10 }]);
  });

  it('takes the newest price id for a product already in the cart', () => {
    const c = cart.addItem(cart.addItem([], notes), { productId: 'field-notes', priceId: 'price_notes_v2' });
    expect(c).toEqual([{ productId: 'field-notes', priceId: 'price_notes_v2', quantity: 2 }]);
  });

  it('does not change the cart it is given', () => {
    const before = cart.addItem([], notes);
    const copy = structuredClone(before);
    cart.addItem(before, notes);
    cart.addItem(before, mug);
    expect(before).toEqual(copy);
  });
});

describe('clampQuantity and setQuantity', () => {
  it.each([
    [1, 1],
    [5, 5],
    [10, 10],
    [0, 1],
    [-3, 1],
    [11, 10],
    [1000, 10],
    [2.7, 2],
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
  ])('clamps %s to %s', (input, expected) => {
    expect(cart.clampQuantity(input)).toBe(expected);
  });

  it('sets a quantity within 1–10 and leaves other products alone', () => {
    const c = cart.addItem(cart.addItem([], notes), mug);
    expect(cart.setQuantity(c, 'field-notes', 7)).toEqual([
      { ...notes, quantity: 7 },
      { ...mug, quantity: 1 },
    ]);
    expect(cart.setQuantity(c, 'field-notes', 0)[0]?.quantity).toBe(1);
    expect(cart.setQuantity(c, 'field-notes', 42)[0]?.quantity).toBe(10);
  });

  it('ignores a product that is not in the cart', () => {
    const c = cart.addItem([], notes);
    expect(cart.setQuantity(c, 'unknown', 3)).toEqual(c);
  });
});

describe('removeItem and itemCount', () => {
  it('removes only that product', () => {
    const c = cart.addItem(cart.addItem([], notes, 2), mug, 3);
    expect(cart.itemCount(c)).toBe(5);
    const after = cart.removeItem(c, 'field-notes');
    expect(after).toEqual([{ ...mug, quantity: 3 }]);
    expect(cart.itemCount(after)).toBe(3);
    expect(cart.removeItem(after, 'field-notes')).toEqual(after);
    expect(cart.itemCount(cart.removeItem(after, 'enamel-mug'))).toBe(0);
  });
});

describe('storage', () => {
  it('round-trips through localStorage under storefront.cart', () => {
    const c = cart.addItem(cart.addItem([], notes, 2), mug);
    cart.saveCart(c);
    expect(JSON.parse(storage.data.get(KEY)!)).toEqual([
      { productId: 'field-notes', priceId: 'price_notes', quantity: 2 },
      { productId: 'enamel-mug', priceId: 'price_mug', quantity: 1 },
    ]);
    expect(cart.loadCart()).toEqual(c);
  });

  it('survives a new page view (fresh module)', async () => {
    cart.saveCart(cart.addItem([], mug, 4));
    vi.resetModules();
    const again: CartModule = await import('../../site/src/cart');
    expect(again.loadCart()).toEqual([{ ...mug, quantity: 4 }]);
  });

  it('is empty when nothing is stored', () => {
    expect(cart.loadCart()).toEqual([]);
  });

  it.each([
    ['not JSON', '{oops'],
    ['an object', '{"productId":"field-notes"}'],
    ['a string', '"field-notes"'],
    ['a number', '3'],
    ['null', 'null'],
    ['an empty string', ''],
  ])('treats %s as an empty cart', (_label, text) => {
    storage.data.set(KEY, text);
    expect(cart.loadCart()).toEqual([]);
  });

  it('drops bad entries, clamps quantities and merges repeats', () => {
    storage.data.set(
      KEY,
      JSON.stringify([
        null,
        'field-notes',
        { productId: 'field-notes' },
        { productId: '', priceId: 'price_x', quantity: 1 },
        { productId: 'field-notes', priceId: 7, quantity: 1 },
        { productId: 'field-notes', priceId: 'price_notes', quantity: 99 },
        { productId: 'enamel-mug', priceId: 'price_mug', quantity: -2 },
        { productId: 'enamel-mug', priceId: 'price_mug', quantity: 'three' },
        { productId: 'trail-map-print', priceId: 'price_map', quantity: 2, extra: true },
      ]),
    );
    expect(cart.loadCart()).toEqual([
      { productId: 'field-notes', priceId: 'price_notes', quantity: 10 },
      { productId: 'enamel-mug', priceId: 'price_mug', quantity: 2 },
      { productId: 'trail-map-print', priceId: 'price_map', quantity: 2 },
    ]);
  });

  it('removes the key for an empty cart', () => {
    cart.saveCart(cart.addItem([], notes));
    cart.clearCart();
    expect(storage.data.has(KEY)).toBe(false);
    expect(cart.loadCart()).toEqual([]);
  });

  it('is empty when localStorage cannot be read', () => {
    storage.data.set(KEY, JSON.stringify([{ ...notes, quantity: 1 }]));
    storage.failWith.read = new DOMException('denied', 'SecurityError');
    expect(cart.loadCart()).toEqual([]);
  });

  it('keeps the cart in memory for the page view when localStorage refuses writes', () => {
    storage.failWith.write = new DOMException('full', 'QuotaExceededError');
    const c = cart.addItem([], notes, 3);
    expect(() => cart.saveCart(c)).not.toThrow();
    expect(cart.loadCart()).toEqual(c);
    cart.clearCart();
    expect(cart.loadCart()).toEqual([]);
  });

  it('works without any localStorage', () => {
    vi.stubGlobal('localStorage', undefined);
    expect(cart.loadCart()).toEqual([]);
    cart.saveCart(cart.addItem([], notes));
    expect(cart.loadCart()).toEqual([{ ...notes, quantity: 1 }]);
  });

  it('accepts an injected storage', () => {
    const other = new FakeStorage();
    cart.saveCart(cart.addItem([], mug), other);
    expect(other.data.has(KEY)).toBe(true);
    expect(storage.data.has(KEY)).toBe(false);
    expect(cart.loadCart(other)).toEqual([{ ...mug, quantity: 1 }]);
  });
});

describe('resolveCart and cartTotals', () => {
  const c = [
    { ...notes, quantity: 2 },
    { ...mug, quantity: 1 },
    { productId: 'gone', priceId: 'price_gone', quantity: 1 },
  ];

  it('with the live catalog: current price ids, and products without one are unavailable', () => {
    const products = [shopProduct('field-notes', 'price_notes_v2', 1200), shopProduct('enamel-mug', null)];
    const { lines, unavailable } = cart.resolveCart(c, products, true);
    expect(lines.map((l) => l.item)).toEqual([{ productId: 'field-notes', priceId: 'price_notes_v2', quantity: 2 }]);
    expect(unavailable.map((i) => i.productId)).toEqual(['enamel-mug', 'gone']);
    expect(cart.cartTotals(lines)).toEqual([{ currency: 'usd', amount: 2400 }]);
  });

  it('without the live catalog: stored price ids, only unknown products unavailable', () => {
    const products = [shopProduct('field-notes', null, 1200), shopProduct('enamel-mug', null, 1800)];
    const { lines, unavailable } = cart.resolveCart(c, products, false);
    expect(lines.map((l) => l.item)).toEqual([c[0], c[1]]);
    expect(unavailable.map((i) => i.productId)).toEqual(['gone']);
    expect(cart.cartTotals(lines)).toEqual([{ currency: 'usd', amount: 4200 }]);
  });

  it('totals each currency separately', () => {
    const products = [shopProduct('field-notes', 'p1', 1000, 'usd'), shopProduct('enamel-mug', 'p2', 500, 'EUR')];
    const { lines } = cart.resolveCart(c, products, true);
    expect(cart.cartTotals(lines)).toEqual([
      { currency: 'usd', amount: 2000 },
      { currency: 'eur', amount: 500 },
    ]);
  });
});

describe('cartTotalText', () => {
  const club = { productId: 'field-notes-club', priceId: 'price_club' };
  const map = { productId: 'trail-map-print', priceId: 'price_map' };
  const products = [shopProduct('field-notes', 'p1', 1200), shopProduct('trail-map-print', 'p2', 2400), shopProduct('field-notes-club', 'p3', 500, 'usd', 'month')];

  it('two products plus the club: "$41.00, then $5.00 / month" (the first month is due today)', () => {
    const { lines } = cart.resolveCart([{ ...notes, quantity: 1 }, { ...map, quantity: 1 }, { ...club, quantity: 1 }], products, true);
    expect(cart.cartTotalText(lines)).toBe('$41.00, then $5.00 / month');
  });

  it('a recurring line bought twice recurs twice: "then $10.00 / month"', () => {
    const { lines } = cart.resolveCart([{ ...club, quantity: 2 }], products, true);
    expect(cart.cartTotalText(lines)).toBe('$10.00, then $10.00 / month');
  });

  it('one-time lines only: the total alone', () => {
    const { lines } = cart.resolveCart([{ ...notes, quantity: 2 }], products, true);
    expect(cart.cartTotalText(lines)).toBe('$24.00');
  });
});
