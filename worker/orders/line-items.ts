import type Stripe from 'stripe';
import type { Context } from '../platform/context';
import { stripeClient } from '../stripe/client';
import { idOf } from '../stripe/expandable';
import { catalog, findProduct, type Product } from '../../catalog';
import { pricesAndSlugs, type KnownPrice } from '../store/catalog';
import type { LineItem } from '../store/orders';
import { productOf } from './order';
import type { PricedLine } from './review';

/** A line as Stripe reports it: what is stored, plus the subtotal the review checks. */
export interface ReportedLineItem extends LineItem {
  /** Before discounts and tax; null for a Payment Link line built from the catalog (quantity unknown). */
  amountSubtotal: number | null;
}

/**
 * The session's line items: from Stripe (the expanded list when it is whole, else every
 * page of its line items; webhook payloads never carry them), or without an API key the
 * one catalog product a Payment Link sells.
 */
export async function lineItemsOf(session: Stripe.Checkout.Session, context: Context): Promise<ReportedLineItem[]> {
  const items = await stripeLineItems(session, context);
  if (items) {
    return items.map((item) => ({
      price: item.price?.id ?? null,
      product: idOf(item.price?.product),
      description: item.description ?? null,
      quantity: item.quantity ?? 1,
      amountTotal: item.amount_total,
      amountSubtotal: item.amount_subtotal,
      currency: item.currency,
    }));
  }
  const product = productOf(session);
  return product
    ? [{ price: null, product: product.id, description: product.name, quantity: 1, amountTotal: session.amount_total, amountSubtotal: null, currency: session.currency }]
    : [];
}

/** Every line Stripe has for the session, or null when the worker cannot ask. An expansion holds only the first 10. */
async function stripeLineItems(session: Stripe.Checkout.Session, context: Context): Promise<Stripe.LineItem[] | null> {
  const expanded = session.line_items;
  if (expanded && !expanded.has_more) return expanded.data;
  const stripe = await stripeClient(context.env);
  if (!stripe) {
    // Only an API call with the key expands line_items, so this should not happen; if it does, fail rather than record part of a cart.
    if (expanded) throw new Error(`session ${session.id} has more line items than expanded and no STRIPE_SECRET_KEY to list them`);
    return null;
  }
  const items: Stripe.LineItem[] = [];
  // The SDK follows has_more/starting_after; 100 a page (Stripe's most) keeps a cart to one call.
  for await (const item of stripe.checkout.sessions.listLineItems(session.id, { limit: 100 })) items.push(item);
  return items;
}

export interface OrderContents {
  /** Every catalog product among the lines (by slug, or by the mirrored product's `catalog_id`). */
  products: Product[];
  /** Units bought of each catalog product (its lines' quantities added up): one licence key per unit. */
  units: Map<string, number>;
  /** The lines with what the shop knows of their prices, for the review. */
  priced: PricedLine[];
  knownPrices: Map<string, KnownPrice>;
}

/** What an order bought, as the shop knows it: one mirror read for all lines' prices and products. */
export async function contentsOf(session: Stripe.Checkout.Session, lineItems: ReportedLineItem[], db: D1Database): Promise<OrderContents> {
  const productIds = lineItems.map((item) => item.product).filter((id): id is string => id !== null);
  const priceIds = lineItems.map((item) => item.price).filter((id): id is string => id !== null);
  // Lines from a Payment Link without an API key already name catalog slugs: no query for those.
  const { prices, slugs } = await pricesAndSlugs(db, priceIds, productIds.filter((id) => !findProduct(id)));
  const knownPrices = new Map(prices);
  const catalogProductOf = (id: string | null) => (id === null ? undefined : findProduct(slugs.get(id) ?? id));
  for (const product of catalog.products) {
    // A seeded catalog entry's own price is known even before the mirror has synced it.
    if (product.stripe && !knownPrices.has(product.stripe.priceId)) {
      knownPrices.set(product.stripe.priceId, { id: product.stripe.priceId, currency: product.price.currency, unitAmount: product.price.amount });
    }
  }
  const products = new Map<string, Product>();
  const units = new Map<string, number>();
  for (const item of lineItems) {
    const product = catalogProductOf(item.product);
    if (!product) continue;
    products.set(product.id, product);
    units.set(product.id, (units.get(product.id) ?? 0) + item.quantity);
  }
  const named = productOf(session);
  if (products.size === 0 && named) {
    products.set(named.id, named);
    units.set(named.id, 1);
  }
  const priced = lineItems.map((item) => ({
    price: item.price,
    // Only a line without a Stripe price is priced from the catalog: a Stripe price must be known as such.
    catalogProduct: item.price === null ? catalogProductOf(item.product) : undefined,
    quantity: item.quantity,
    amountSubtotal: item.amountSubtotal,
    currency: item.currency,
  }));
  return { products: [...products.values()], units, priced, knownPrices };
}
