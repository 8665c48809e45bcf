import type Stripe from 'stripe';
import type { HandlerContext } from '../events/registry';
import { stripeClient } from '../stripe/client';
import { idOf } from '../stripe/expandable';
import { findProduct, type Product } from '../../site/catalog';
import { catalogIdsOf } from '../store/catalog';
import type { LineItem } from '../store/orders';
import { productOf } from './order';

/**
 * The session's line items: expanded on the session, or fetched from Stripe when
 * the worker has a key (webhook payloads never carry them), or else the one
 * catalog product a Payment Link sells.
 */
export async function lineItemsOf(session: Stripe.Checkout.Session, context: HandlerContext): Promise<LineItem[]> {
  const stripe = await stripeClient(context.env);
  const items = session.line_items?.data ?? (stripe ? (await stripe.checkout.sessions.listLineItems(session.id, { limit: 100 })).data : null);
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
