// Licence keys: a product that declares `licence` gives each order one key, generated
// at fulfilment or taken from the seller's pool, in the fulfilment's own batch.
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

/** The writes that give a fulfilled order its keys; they apply only if the batch leaves the order fulfilled. */
export function licenceWrites(db: D1Database, orderId: string, products: Product[], now: number): D1PreparedStatement[] {
  return products.flatMap((product) => {
    if (product.licence === 'generated') return [saveGeneratedKey(db, orderId, product.id, generateLicenceKey(), now)];
    if (product.licence === 'pool') return [assignPoolKey(db, orderId, product.id, now)];
    return [];
  });
}

/**
 * A pool that was empty at fulfilment may have been refilled since: each fulfilled order still
 * without a key of a pool product takes one now (still once), all in one batch that also reads
 * those orders' keys again into their records. No D1 call when nothing waits.
 */
export async function assignWaitingPoolKeys(db: D1Database, orders: { record: OrderRecord; products: Product[] }[], nowMs: number): Promise<void> {
  const waiting = orders.flatMap(({ record, products }) =>
    servesAccess(record.order.status) ? products.filter((product) => product.licence === 'pool' && !record.licenceKeys.has(product.id)).map((product) => ({ record, product })) : [],
  );
  if (waiting.length === 0) return;
  const records = new Map(waiting.map(({ record }) => [record.order.id, record]));
  await assignPoolKeysTo(
    db,
    records,
    waiting.map(({ record, product }) => assignPoolKey(db, record.order.id, product.id, nowMs)),
  );
}

/** One entry per licensed product of the order (`keys`: by product id); null while a pool product waits for keys. */
export function licenceKeyViews(order: Order, products: Product[], keys: ReadonlyMap<string, string>): LicenceKeyView[] {
  const licensed = products.filter((product) => product.licence);
  if (!servesAccess(order.status) || licensed.length === 0) return [];
  return licensed.map((product) => {
    const key = keys.get(product.id) ?? null;
    if (key === null) console.error(JSON.stringify({ msg: 'order has no licence key: the pool was empty', order: order.id, product: product.id }));
    return { product: { id: product.id, name: product.name }, key };
  });
}
