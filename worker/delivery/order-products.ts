// The catalog products a stored order bought: what its delivery, its downloads and its page
// deliver. Its lines' products (by storefront slug, or the mirrored product's `catalog_id`),
// else the order's own product.
import { findProduct, type Product } from '../../catalog';
import { pricesAndSlugs } from '../store/catalog';
import type { LineItem, Order } from '../store/orders';

/** What a stored order bought: its catalog products, and how many units of each (a licence key per unit). */
export interface StoredContents {
  products: Product[];
  /** Units bought, by catalog product id: its lines' quantities added up; 1 for an order named by its product alone. */
  units: ReadonlyMap<string, number>;
}

/** The catalog products of a stored order, for its delivery: its lines' products, else the order's own. */
export async function contentsOfStored(order: Order, lineItems: LineItem[], db: D1Database): Promise<StoredContents> {
  const ids = lineItems.map((item) => item.product).filter((id): id is string => id !== null);
  const { slugs } = await pricesAndSlugs(db, [], ids.filter((id) => !findProduct(id)));
  return storedContents(order, lineItems, slugs);
}

/** `contentsOfStored` with the slugs already read (`slugs`: storefront slug by Stripe product id). */
export function storedContents(order: Order, lineItems: LineItem[], slugs: ReadonlyMap<string, string>): StoredContents {
  const products = new Map<string, Product>();
  const units = new Map<string, number>();
  for (const item of lineItems) {
    if (item.product === null) continue;
    const product = findProduct(slugs.get(item.product) ?? item.product);
    if (!product) continue;
    products.set(product.id, product);
    units.set(product.id, (units.get(product.id) ?? 0) + item.quantity);
  }
  const named = order.productId ? findProduct(order.productId) : undefined;
  if (products.size === 0 && named) {
    products.set(named.id, named);
    units.set(named.id, 1);
  }
  return { products: [...products.values()], units };
}
