// How the back office shows its rows, and its cursors: pure functions.
import { findProduct } from '../../catalog';
import type { AdminLedgerEvent, AdminOrder } from '../../contract/api';
import { CHECKOUT_SESSION_ID, CLIENT_REFERENCE_ID, PAYMENT_INTENT_ID } from '../../contract/ids';
import { KEEPS_MONEY } from '../../contract/order-states';
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

/** What to look up for a search term: its lookups by shape, and the catalog products whose name holds it. */
export interface SearchPlan {
  lookups: OrderSearch[];
  /** Catalog slugs of the products named by the term; the caller adds their Stripe product ids. */
  productSlugs: string[];
}

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * What a search term is, by its shape: an id or payment intent exactly; text with `@` an email's
 * beginning (`ada@`), or after a leading `@` its domain; other text an email's beginning, a client
 * reference, a domain (`example.com`) and the catalog products whose name holds it, all at once.
 */
export function classifySearch(q: string, products: readonly { id: string; name: string }[]): SearchPlan {
  if (CHECKOUT_SESSION_ID.test(q)) return { lookups: [{ by: 'id', value: q }], productSlugs: [] };
  if (PAYMENT_INTENT_ID.test(q)) return { lookups: [{ by: 'payment_intent', value: q }], productSlugs: [] };
  const lower = q.toLowerCase();
  if (lower.startsWith('@')) return { lookups: lower.length > 1 ? [{ by: 'email_domain', value: lower.slice(1) }] : [], productSlugs: [] };
  if (lower.includes('@')) return { lookups: [{ by: 'email_prefix', value: lower }], productSlugs: [] };
  const lookups: OrderSearch[] = [{ by: 'email_prefix', value: lower }];
  if (CLIENT_REFERENCE_ID.test(q)) lookups.push({ by: 'client_reference_id', value: q });
  if (DOMAIN.test(lower)) lookups.push({ by: 'email_domain', value: lower });
  return { lookups, productSlugs: products.filter((product) => product.name.toLowerCase().includes(lower)).map((product) => product.id) };
}

/** Several lookups' orders as one list: each once, newest first, at most `limit`. */
export function mergeNewestFirst(lists: Order[][], limit: number): Order[] {
  const byId = new Map(lists.flat().map((row) => [row.id, row]));
  return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).slice(0, limit);
}

/** Orders whose payment counts in a buyer's totals: kept (as in the sales totals), or refunded (net 0); a dispute's money is Stripe's to settle. */
const PAID_STATES = new Set<string>([...KEEPS_MONEY, 'refunded']);

/** Paid, refunded and net per currency over a buyer's orders (those never paid count nothing). */
export function buyerTotals(orders: AdminOrder[]): { currency: string; orders: number; paid: number; refunded: number; net: number }[] {
  const totals = new Map<string, { currency: string; orders: number; paid: number; refunded: number; net: number }>();
  for (const order of orders) {
    if (!order.currency || order.amountTotal === null || !PAID_STATES.has(order.status)) continue;
    const total = totals.get(order.currency) ?? { currency: order.currency, orders: 0, paid: 0, refunded: 0, net: 0 };
    total.orders += 1;
    total.paid += order.amountTotal;
    total.refunded += order.amountRefunded;
    total.net += order.amountTotal - order.amountRefunded;
    totals.set(order.currency, total);
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Since when "today", "7 days" and "30 days" count: UTC midnight, and rolling windows. */
export function totalsWindows(now: number): { today: number; last7Days: number; last30Days: number } {
  return { today: Math.floor(now / DAY_MS) * DAY_MS, last7Days: now - 7 * DAY_MS, last30Days: now - 30 * DAY_MS };
}
