// The live catalog as the mirror holds it: the shapes are the contract's (`GET /api/catalog`).
import type { LiveProduct } from '../../contract/api';

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

const LIVE_PRODUCT_COLUMNS = `p.id, p.name, p.description, json_extract(p.raw, '$.metadata.catalog_id') AS catalog_id,
       pr.id AS price_id, pr.currency, pr.unit_amount, pr.type, pr.recurring_interval`;
const LIVE_PRICE_JOIN = 'LEFT JOIN stripe_prices pr ON pr.product = p.id AND pr.active = 1 AND pr.deleted = 0';
const LIVE_PRODUCT_ORDER = 'ORDER BY p.name, p.id, pr.id IS p.default_price DESC, pr.unit_amount, pr.id';

/**
 * The active products among `candidates` (a SELECT of ids) with their prices, each read by its
 * primary key. CROSS JOIN fixes the candidates as the outer loop: otherwise SQLite may read every
 * live product through stripe_products_live and filter, which grows with the catalog.
 */
const productsAmong = (candidates: string) =>
  `SELECT ${LIVE_PRODUCT_COLUMNS} FROM (${candidates}) AS c CROSS JOIN stripe_products p ON p.id = c.id ${LIVE_PRICE_JOIN}
   WHERE p.active = 1 AND p.deleted = 0 ${LIVE_PRODUCT_ORDER}`;

/** Active products with their active prices, the product's default price first, from the mirror. */
export async function activeProducts(db: D1Database): Promise<LiveProduct[]> {
  const { results } = await db
    .prepare(`SELECT ${LIVE_PRODUCT_COLUMNS} FROM stripe_products p ${LIVE_PRICE_JOIN} WHERE p.active = 1 AND p.deleted = 0 ${LIVE_PRODUCT_ORDER}`)
    .all<Row>();
  return liveProducts(results);
}

/**
 * One active product, by its Stripe id or its storefront slug (`metadata.catalog_id`),
 * through the primary key or the slug's index: the cost does not grow with the catalog.
 */
export async function activeProduct(db: D1Database, id: string): Promise<{ product: LiveProduct | null; speaksForSlugs: boolean }> {
  const [product, slugs] = await db.batch([
    db
      .prepare(
        productsAmong(`SELECT id FROM stripe_products WHERE id = ?1 UNION SELECT id FROM stripe_products WHERE json_extract(raw, '$.metadata.catalog_id') = ?1`),
      )
      .bind(id),
    // Whether the mirror names storefront slugs at all: then a slug it lacks is archived, not merely unsynced.
    db.prepare(
      `SELECT EXISTS (SELECT 1 FROM stripe_products WHERE json_extract(raw, '$.metadata.catalog_id') > '' AND active = 1 AND deleted = 0) AS speaks`,
    ),
  ]);
  return {
    product: liveProducts(product!.results as Row[])[0] ?? null,
    speaksForSlugs: (slugs!.results[0] as { speaks: number } | undefined)?.speaks === 1,
  };
}

/**
 * What one product page needs, in one round trip through indexes: the active products that may
 * stand for `slug` (by Stripe id, by storefront slug, or the Stripe product a build-time entry
 * names), whether the mirror names storefront slugs at all, and whether it has any live product.
 */
export async function liveProductsFor(
  db: D1Database,
  slug: string,
  stripeProductId: string | null,
): Promise<{ products: LiveProduct[]; speaksForSlugs: boolean; hasProducts: boolean }> {
  const [products, flags] = await db.batch([
    db
      .prepare(
        productsAmong(`SELECT id FROM stripe_products WHERE id IN (?1, ?2) UNION SELECT id FROM stripe_products WHERE json_extract(raw, '$.metadata.catalog_id') = ?1`),
      )
      .bind(slug, stripeProductId),
    db.prepare(
      `SELECT EXISTS (SELECT 1 FROM stripe_products WHERE json_extract(raw, '$.metadata.catalog_id') > '' AND active = 1 AND deleted = 0) AS speaks,
              EXISTS (SELECT 1 FROM stripe_products WHERE active = 1 AND deleted = 0) AS live`,
    ),
  ]);
  const { speaks, live } = flags!.results[0] as { speaks: number; live: number };
  return { products: liveProducts(products!.results as Row[]), speaksForSlugs: speaks === 1, hasProducts: live === 1 };
}

function liveProducts(results: Row[]): LiveProduct[] {
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

/** The mirrored Stripe products of storefront slugs (`metadata.catalog_id`), through stripe_products_by_catalog_id. */
export async function stripeProductsOfCatalogIds(db: D1Database, catalogIds: string[]): Promise<string[]> {
  if (catalogIds.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT id FROM stripe_products WHERE json_extract(raw, '$.metadata.catalog_id') IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(catalogIds))
    .all<{ id: string }>();
  return results.map((row) => row.id);
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
