// Licence keys: a product that declares `licence` gives each unit bought one key (five
// licences, five keys), generated at fulfilment or taken from the seller's pool, in the
// fulfilment's own batch. A product sold one licence per order says `maxQuantity: 1`.
import type { Product } from '../../catalog';
import type { LicenceKeyView } from '../../contract/api';
import { servesAccess } from '../../contract/order-states';
import type { Order } from '../store/orders';
import { assignPoolKey, saveGeneratedKey } from '../store/licences';
import { assignPoolKeysTo, type OrderRecord } from '../store/order-records';

// Crockford's base32 without I, L, O, U: nothing a buyer can misread when typing it.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`: 125 random bits. */
export function generateLicenceKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(25));
  const chars = [...bytes].map((byte) => ALPHABET[byte % 32]);
  return Array.from({ length: 5 }, (_, group) => chars.slice(group * 5, group * 5 + 5).join('')).join('-');
}

/** A bound on the keys one product of one order takes (a statement each, in the fulfilment's batch); the worker's checkout sells at most MAX_QUANTITY. */
export const MOST_KEYS_PER_PRODUCT = 100;

/** The units of each licensed product that should hold a key: one per unit bought. */
function licensedUnits(products: Product[], units: ReadonlyMap<string, number>): { product: Product; count: number }[] {
  return products
    .filter((product) => product.licence)
    .map((product) => {
      const bought = Math.max(1, units.get(product.id) ?? 1);
      if (bought > MOST_KEYS_PER_PRODUCT) console.error(JSON.stringify({ msg: 'more units than licence keys given: send the rest by hand', product: product.id, bought, given: MOST_KEYS_PER_PRODUCT }));
      return { product, count: Math.min(bought, MOST_KEYS_PER_PRODUCT) };
    });
}

const unitsUpTo = (count: number) => Array.from({ length: count }, (_, unit) => unit);

/** The writes that give a fulfilled order one key per unit bought; they apply only if the batch leaves the order fulfilled. */
export function licenceWrites(db: D1Database, orderId: string, products: Product[], units: ReadonlyMap<string, number>, now: number): D1PreparedStatement[] {
  return licensedUnits(products, units).flatMap(({ product, count }) =>
    unitsUpTo(count).flatMap((unit) => {
      if (product.licence === 'generated') return [saveGeneratedKey(db, orderId, product.id, unit, generateLicenceKey(), now)];
      if (product.licence === 'pool') return [assignPoolKey(db, orderId, product.id, unit, now)];
      return [];
    }),
  );
}

/**
 * A pool that was empty at fulfilment may have been refilled since: each unit of a fulfilled
 * order still without a key of a pool product takes one now (still once), all in one batch that
 * also reads those orders' keys again into their records. No D1 call when nothing waits.
 */
export async function assignWaitingPoolKeys(
  db: D1Database,
  orders: { record: OrderRecord; products: Product[]; units: ReadonlyMap<string, number> }[],
  nowMs: number,
): Promise<void> {
  const waiting = orders.flatMap(({ record, products, units }) =>
    servesAccess(record.order.status)
      ? licensedUnits(products, units)
          .filter(({ product }) => product.licence === 'pool')
          .flatMap(({ product, count }) => unitsUpTo(count).filter((unit) => !record.licenceKeys.get(product.id)?.has(unit)).map((unit) => ({ record, product, unit })))
      : [],
  );
  if (waiting.length === 0) return;
  const records = new Map(waiting.map(({ record }) => [record.order.id, record]));
  await assignPoolKeysTo(
    db,
    records,
    waiting.map(({ record, product, unit }) => assignPoolKey(db, record.order.id, product.id, unit, nowMs)),
  );
}

/** One entry per unit of each licensed product of the order, in unit order (`keys`: by product id, then unit); null while a pool unit waits for its key. */
export function licenceKeyViews(order: Order, products: Product[], units: ReadonlyMap<string, number>, keys: ReadonlyMap<string, ReadonlyMap<number, string>>): LicenceKeyView[] {
  if (!servesAccess(order.status)) return [];
  return licensedUnits(products, units).flatMap(({ product, count }) =>
    unitsUpTo(count).map((unit) => {
      const key = keys.get(product.id)?.get(unit) ?? null;
      if (key === null) console.error(JSON.stringify({ msg: 'order has no licence key: the pool was empty', order: order.id, product: product.id, unit }));
      return { product: { id: product.id, name: product.name }, key };
    }),
  );
}
