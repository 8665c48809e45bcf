export interface LiveProduct {
  id: string;
  name: string;
  description: string | null;
  /** The storefront catalog's slug, from the Stripe product's `metadata.catalog_id`. */
  catalogId: string | null;
  prices: LivePrice[];
}

export interface LivePrice {
  id: string;
  currency: string;
  unitAmount: number | null;
  type: 'one_time' | 'recurring';
  interval: string | null;
}

interface Row {
  id: string;
  name: string;
  description: string | null;
  catalog_id: string | null;
  price_id: string | null;
  currency: string | null;
  unit_amount: number | null;
  type: 'one_time' | 'recurring' | null;
  recurring_interval: string | null;
}

/** Active products with their active prices, the product's default price first, from the mirror. */
export async function activeProducts(db: D1Database): Promise<LiveProduct[]> {
  const { results } = await db
    .prepare(
      `SELECT p.id, p.name, p.description, json_extract(p.raw, '$.metadata.catalog_id') AS catalog_id,
              pr.id AS price_id, pr.currency, pr.unit_amount, pr.type, pr.recurring_interval
       FROM stripe_products p
       LEFT JOIN stripe_prices pr ON pr.product = p.id AND pr.active = 1 AND pr.deleted = 0
       WHERE p.active = 1 AND p.deleted = 0
       ORDER BY p.name, p.id, pr.id IS p.default_price DESC, pr.unit_amount, pr.id`,
    )
    .all<Row>();
  const products = new Map<string, LiveProduct>();
  for (const row of results) {
    let product = products.get(row.id);
    if (!product) {
      product = { id: row.id, name: row.name, description: row.description, catalogId: row.catalog_id, prices: [] };
      products.set(row.id, product);
    }
    if (row.price_id && row.currency && row.type) {
      product.prices.push({ id: row.price_id, currency: row.currency, unitAmount: row.unit_amount, type: row.type, interval: row.recurring_interval });
    }
  }
  return [...products.values()];
}

export interface SellablePrice {
  id: string;
  product: string;
  type: 'one_time' | 'recurring';
  catalogId: string | null;
}

/** The prices among `ids` that are active, on an active product: the only ones a cart may hold. */
export async function sellablePrices(db: D1Database, ids: string[]): Promise<SellablePrice[]> {
  const { results } = await db
    .prepare(
      `SELECT pr.id, pr.product, pr.type, json_extract(p.raw, '$.metadata.catalog_id') AS catalogId
       FROM stripe_prices pr JOIN stripe_products p ON p.id = pr.product
       WHERE pr.id IN (SELECT value FROM json_each(?1)) AND pr.active = 1 AND pr.deleted = 0 AND p.active = 1 AND p.deleted = 0`,
    )
    .bind(JSON.stringify(ids))
    .all<SellablePrice>();
  return results;
}

/** The storefront slugs (`metadata.catalog_id`) of mirrored Stripe products, by product id. */
export async function catalogIdsOf(db: D1Database, stripeProductIds: string[]): Promise<Map<string, string>> {
  if (stripeProductIds.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT id, json_extract(raw, '$.metadata.catalog_id') AS catalogId FROM stripe_products
       WHERE id IN (SELECT value FROM json_each(?1)) AND catalogId IS NOT NULL`,
    )
    .bind(JSON.stringify(stripeProductIds))
    .all<{ id: string; catalogId: string }>();
  return new Map(results.map((row) => [row.id, row.catalogId]));
}

export interface KnownPrice {
  id: string;
  currency: string;
  unitAmount: number | null;
}

/**
 * What the mirror knows of an order's prices and products, in one round trip: each
 * price's amount and currency (archived ones too: the buyer paid while it was on sale),
 * and each product's storefront slug.
 */
export async function pricesAndSlugs(db: D1Database, priceIds: string[], stripeProductIds: string[]): Promise<{ prices: Map<string, KnownPrice>; slugs: Map<string, string> }> {
  if (priceIds.length === 0 && stripeProductIds.length === 0) return { prices: new Map(), slugs: new Map() };
  const [prices, slugs] = await db.batch([
    db
      .prepare(`SELECT id, currency, unit_amount AS unitAmount FROM stripe_prices WHERE id IN (SELECT value FROM json_each(?1)) AND deleted = 0`)
      .bind(JSON.stringify(priceIds)),
    db
      .prepare(
        `SELECT id, json_extract(raw, '$.metadata.catalog_id') AS catalogId FROM stripe_products
         WHERE id IN (SELECT value FROM json_each(?1)) AND catalogId IS NOT NULL`,
      )
      .bind(JSON.stringify(stripeProductIds)),
  ]);
  return {
    prices: new Map((prices!.results as KnownPrice[]).map((row) => [row.id, row])),
    slugs: new Map((slugs!.results as { id: string; catalogId: string }[]).map((row) => [row.id, row.catalogId])),
  };
}
