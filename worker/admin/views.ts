// How the back office shows its rows, and its cursors: pure functions.
import { findProduct } from '../../catalog';
import type { AdminLedgerEvent, AdminOrder } from '../../contract/api';
import { CHECKOUT_SESSION_ID, CLIENT_REFERENCE_ID, EMAIL, PAYMENT_INTENT_ID } from '../../contract/ids';
import type { Keyset } from '../store/keyset';
import type { LedgerRow } from '../store/ledger';
import type { LineItem, Order, OrderSearch } from '../store/orders';

const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** A line's name: Stripe's description (the product's name then), else the catalog's name for its product. */
export function lineName(line: Pick<LineItem, 'description' | 'product' | 'price'>): string {
  return line.description ?? (line.product ? (findProduct(line.product)?.name ?? line.product) : null) ?? line.price ?? 'Item';
}

export function adminOrderView(row: Order, lines: LineItem[]): AdminOrder {
  const product = row.productId ? findProduct(row.productId) : undefined;
  return {
    id: row.id,
    status: row.status,
    clientReferenceId: row.clientReferenceId,
    customerEmail: row.customerEmail,
    paymentIntent: row.paymentIntent,
    product: product ? { id: product.id, name: product.name } : row.productId ? { id: row.productId, name: row.productId } : null,
    lines: lines.map((line) => ({ name: lineName(line), quantity: line.quantity })),
    amountTotal: row.amountTotal,
    amountRefunded: row.amountRefunded,
    amountNet: row.amountTotal === null ? null : row.amountTotal - row.amountRefunded,
    currency: row.currency,
    livemode: row.livemode,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function ledgerEventView(row: LedgerRow): AdminLedgerEvent {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    note: row.note,
    livemode: row.livemode === 1,
    created: iso(row.created * 1000),
    receivedAt: iso(row.receivedAt),
    processedAt: isoOrNull(row.processedAt),
    deadLetteredAt: isoOrNull(row.deadLetteredAt),
  };
}

/** `<ms>~<id>` of a page's last row; the contract's ADMIN_CURSOR checks its shape. */
export const encodeCursor = (at: number, id: string) => `${at}~${id}`;

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (!cursor) return undefined;
  const [at, id] = cursor.split('~') as [string, string];
  return { at: Number(at), id };
}

/** The next page's cursor: only when this page came back full. */
export function nextCursor<T>(rows: T[], limit: number, keyOf: (row: T) => Keyset): string | null {
  const last = rows.at(-1);
  if (rows.length < limit || !last) return null;
  const { at, id } = keyOf(last);
  return encodeCursor(at, id);
}

/** What a search term is, by its shape: each kind is looked up through its own index. */
export function classifySearch(q: string): OrderSearch | null {
  if (CHECKOUT_SESSION_ID.test(q)) return { by: 'id', value: q };
  if (PAYMENT_INTENT_ID.test(q)) return { by: 'payment_intent', value: q };
  if (EMAIL.test(q)) return { by: 'email', value: q };
  if (CLIENT_REFERENCE_ID.test(q)) return { by: 'client_reference_id', value: q };
  return null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Since when "today", "7 days" and "30 days" count: UTC midnight, and rolling windows. */
export function totalsWindows(now: number): { today: number; last7Days: number; last30Days: number } {
  return { today: Math.floor(now / DAY_MS) * DAY_MS, last7Days: now - 7 * DAY_MS, last30Days: now - 30 * DAY_MS };
}
