// The seller-only details of an order (migrations/0010_checkout_details.sql). Only the back
// office reads them: nothing on the buyer's side imports this file.
import type { ShippingAddressView } from '../../contract/api';

/** Where a physical order ships: the contract's shape, as the back office shows it. */
export type ShippingAddress = ShippingAddressView;

export interface BuyerDetails {
  shipping: ShippingAddress | null;
  phone: string | null;
}

/** Kept per order; a later event of the same session fills what an earlier one lacked. */
export function saveBuyerDetails(db: D1Database, orderId: string, details: BuyerDetails, now: number): D1PreparedStatement {
  const s = details.shipping;
  return db
    .prepare(
      `INSERT INTO order_buyer_details (order_id, shipping_name, shipping_line1, shipping_line2, shipping_city, shipping_state,
         shipping_postal_code, shipping_country, phone, recorded_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT (order_id) DO UPDATE SET
         shipping_name = coalesce(excluded.shipping_name, shipping_name),
         shipping_line1 = coalesce(excluded.shipping_line1, shipping_line1),
         shipping_line2 = coalesce(excluded.shipping_line2, shipping_line2),
         shipping_city = coalesce(excluded.shipping_city, shipping_city),
         shipping_state = coalesce(excluded.shipping_state, shipping_state),
         shipping_postal_code = coalesce(excluded.shipping_postal_code, shipping_postal_code),
         shipping_country = coalesce(excluded.shipping_country, shipping_country),
         phone = coalesce(excluded.phone, phone)`,
    )
    .bind(orderId, s?.name ?? null, s?.line1 ?? null, s?.line2 ?? null, s?.city ?? null, s?.state ?? null, s?.postalCode ?? null, s?.country ?? null, details.phone, now);
}

type BuyerDetailsRow = ShippingAddress & { phone: string | null };

export async function findBuyerDetails(db: D1Database, orderId: string): Promise<BuyerDetails | null> {
  const row = await db
    .prepare(
      `SELECT shipping_name AS name, shipping_line1 AS line1, shipping_line2 AS line2, shipping_city AS city, shipping_state AS state,
         shipping_postal_code AS postalCode, shipping_country AS country, phone
       FROM order_buyer_details WHERE order_id = ?`,
    )
    .bind(orderId)
    .first<BuyerDetailsRow>();
  if (!row) return null;
  const { phone, ...shipping } = row;
  return { shipping: Object.values(shipping).some((value) => value !== null) ? shipping : null, phone };
}
