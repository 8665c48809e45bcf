// The cart: pure state functions plus its localStorage copy. DOM-free; storage is injectable.
//
// Stored under `storefront.cart` as JSON `[{ productId, priceId, quantity }]`, one entry per
// product. Anything unreadable there counts as an empty cart.
import type { ShopProduct } from '../../catalog/live';
import { formatMoney, formatPrice } from '../../catalog/money';
import { MAX_QUANTITY, MIN_QUANTITY } from '../../contract/limits';

export const CART_KEY = 'storefront.cart';

export interface CartItem {
  /** Build-time catalog id (`field-notes`). */
  productId: string;
  /** The Stripe Price charged (`price_…`). */
  priceId: string;
  /** 1–10. */
  quantity: number;
}

export type Cart = CartItem[];

/** A whole number within 1–10; anything not a finite number becomes 1. */
export function clampQuantity(quantity: number): number {
  if (!Number.isFinite(quantity)) return MIN_QUANTITY;
  return Math.min(MAX_QUANTITY, Math.max(MIN_QUANTITY, Math.trunc(quantity)));
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Adds `quantity` of a product. A product already in the cart gets the quantities added (capped
 * at 10) and takes the new `priceId`. Returns a new cart; the input is not changed.
 */
export function addItem(cart: Cart, item: { productId: string; priceId: string }, quantity = 1): Cart {
  const existing = cart.find((line) => line.productId === item.productId);
  if (!existing) return [...cart, { productId: item.productId, priceId: item.priceId, quantity: clampQuantity(quantity) }];
  return cart.map((line) =>
    line === existing ? { ...line, priceId: item.priceId, quantity: clampQuantity(line.quantity + quantity) } : line,
  );
}

/** Sets a product's quantity (clamped to 1–10); a product not in the cart is left out. */
export function setQuantity(cart: Cart, productId: string, quantity: number): Cart {
  return cart.map((line) => (line.productId === productId ? { ...line, quantity: clampQuantity(quantity) } : line));
}

export function removeItem(cart: Cart, productId: string): Cart {
  return cart.filter((line) => line.productId !== productId);
}

/** Number of units in the cart (the header badge). */
export function itemCount(cart: Cart): number {
  return cart.reduce((sum, line) => sum + line.quantity, 0);
}

/**
 * Reads the stored JSON: anything that is not an array gives an empty cart; entries without a
 * product id or price id are dropped, quantities clamped, repeated products merged.
 */
export function parseCart(text: string | null): Cart {
  if (!text) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  let cart: Cart = [];
  for (const entry of data) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { productId, priceId, quantity } = entry as Record<string, unknown>;
    if (!nonEmptyString(productId) || !nonEmptyString(priceId)) continue;
    cart = addItem(cart, { productId, priceId }, typeof quantity === 'number' ? clampQuantity(quantity) : MIN_QUANTITY);
  }
  return cart;
}

export function serializeCart(cart: Cart): string {
  return JSON.stringify(cart.map(({ productId, priceId, quantity }) => ({ productId, priceId, quantity })));
}

export type CartStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

// When localStorage refuses a write (privacy modes, full), the cart lives here for this page view.
let memory: { text: string | null } | null = null;

function defaultStorage(): CartStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // access itself can throw (storage disabled)
  }
}

/** The stored cart; empty when storage is missing, blocked or holds something unreadable. */
export function loadCart(storage: CartStorage | null = defaultStorage()): Cart {
  if (memory) return parseCart(memory.text);
  try {
    return parseCart(storage?.getItem(CART_KEY) ?? null);
  } catch {
    return [];
  }
}

/** Stores the cart (an empty cart removes the key). */
export function saveCart(cart: Cart, storage: CartStorage | null = defaultStorage()): void {
  const text = cart.length ? serializeCart(cart) : null;
  try {
    if (!storage) throw new Error('no storage');
    if (text === null) storage.removeItem(CART_KEY);
    else storage.setItem(CART_KEY, text);
    memory = null;
  } catch {
    memory = { text };
  }
}

export function clearCart(storage: CartStorage | null = defaultStorage()): void {
  saveCart([], storage);
}

/** A cart line with the product it is for, as the cart page shows it. */
export interface CartLine {
  item: CartItem;
  product: ShopProduct;
}

export interface ResolvedCart {
  /** Lines that can be checked out, with the price id to charge. */
  lines: CartLine[];
  /** Items whose product is unknown or (per the live catalog) no longer for sale. */
  unavailable: CartItem[];
}

/**
 * Matches cart items to the products on sale. With the live catalog, a product that is gone or
 * has no price is unavailable, and the current price id replaces a stored one that changed;
 * without it, the stored price id is kept and only products unknown to the catalog are unavailable.
 */
export function resolveCart(cart: Cart, products: ShopProduct[], live: boolean): ResolvedCart {
  const lines: CartLine[] = [];
  const unavailable: CartItem[] = [];
  for (const item of cart) {
    const product = products.find((p) => p.id === item.productId);
    if (!product || (live && !product.priceId)) {
      unavailable.push(item);
      continue;
    }
    const priceId = live && product.priceId ? product.priceId : item.priceId;
    lines.push({ item: priceId === item.priceId ? item : { ...item, priceId }, product });
  }
  return { lines, unavailable };
}

/** Totals per currency (a cart normally has one), in the currency's minor unit. */
export function cartTotals(lines: CartLine[]): { currency: string; amount: number }[] {
  const totals = new Map<string, number>();
  for (const { item, product } of lines) {
    const currency = product.price.currency.toLowerCase();
    totals.set(currency, (totals.get(currency) ?? 0) + product.price.amount * item.quantity);
  }
  return [...totals].map(([currency, amount]) => ({ currency, amount }));
}

/** What recurs after today, per currency and interval: a subscription line bills `quantity` × its price each period. */
export function cartRecurring(lines: CartLine[]): { currency: string; interval: string; amount: number }[] {
  const recurring = new Map<string, { currency: string; interval: string; amount: number }>();
  for (const { item, product } of lines) {
    if (!product.interval) continue;
    const currency = product.price.currency.toLowerCase();
    const key = `${currency} ${product.interval}`;
    const entry = recurring.get(key) ?? { currency, interval: product.interval, amount: 0 };
    entry.amount += product.price.amount * item.quantity;
    recurring.set(key, entry);
  }
  return [...recurring.values()];
}

/**
 * The cart's total as the buyer reads it: due today (a subscription's first period included, as
 * Checkout charges it), then what recurs: `$41.00, then $5.00 / month`.
 */
export function cartTotalText(lines: CartLine[], locale?: string): string {
  const today = cartTotals(lines)
    .map(({ amount, currency }) => formatMoney(amount, currency, locale))
    .join(' + ');
  const then = cartRecurring(lines).map(({ amount, currency, interval }) => formatPrice({ amount, currency }, interval, locale));
  return then.length ? `${today}, then ${then.join(' + ')}` : today;
}
