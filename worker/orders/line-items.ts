import type Stripe from 'stripe';
import type { HandlerContext } from '../events/registry';
import { stripeClient } from '../stripe/client';
import { idOf } from '../stripe/expandable';
import { findProduct, type Product } from '../../site/catalog';
import { catalogIdsOf } from '../store/catalog';
import type { LineItem } from '../store/orders';
import { productOf } from './order';

/**
 * The session's line items: from Stripe (the expanded list when it is whole, else every
 * page of its line items; webhook payloads never carry them), or without an API key the
 * one catalog product a Payment Link sells.
 */
export async function lineItemsOf(session: Stripe.Checkout.Session, context: HandlerContext): Promise<LineItem[]> {
  const items = await stripeLineItems(session, context);
  if (items) {
    return items.map((item) => ({
      price: item.price?.id ?? null,
      product: idOf(item.price?.product),
      description: item.description ?? null,
      quantity: item.quantity ?? 1,
      amountTotal: item.amount_total,
      currency: item.currency,
    }));
  }
  const product = productOf(session);
  return product
    ? [{ price: null, product: product.id, description: product.name, quantity: 1, amountTotal: session.amount_total, currency: session.currency }]
    : [];
}

/** Every line Stripe has for the session, or null when the worker cannot ask. An expansion holds only the first 10. */
async function stripeLineItems(session: Stripe.Checkout.Session, context: HandlerContext): Promise<Stripe.LineItem[] | null> {
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

/** Every catalog product an order bought: its lines' products (by slug, or by the mirrored product's `catalog_id`). */
export async function catalogProductsOf(session: Stripe.Checkout.Session, lineItems: LineItem[], db: D1Database): Promise<Product[]> {
  const ids = lineItems.map((item) => item.product).filter((id): id is string => id !== null);
  // Lines from a Payment Link without an API key already name catalog slugs: no query for those.
  const slugs = await catalogIdsOf(db, ids.filter((id) => !findProduct(id)));
  const products = new Map<string, Product>();
  for (const id of ids) {
    const product = findProduct(slugs.get(id) ?? id);
    if (product) products.set(product.id, product);
  }
  const named = productOf(session);
  if (products.size === 0 && named) products.set(named.id, named);
  return [...products.values()];
}
