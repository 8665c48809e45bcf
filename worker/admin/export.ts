// The back office's CSV export of orders over a date range: a page of rows per request, by keyset
// through orders_by_created, the next page's cursor in the `X-Next-Cursor` header.
import type { AdminOrdersExportQuery } from '../../contract/api';
import { lineItemsOfOrders, listOrders } from '../store/orders';
import { decodeCursor, lineName, nextCursor } from './views';

/** Rows a page of the export holds: one orders read and one lines read, whatever the range. */
export const EXPORT_PAGE_SIZE = 1000;

const DAY_MS = 86_400_000;

/**
 * A CSV cell: quoted when it holds a comma, quote or line break; a cell a spreadsheet would run as a
 * formula (starting with =, +, -, @, a tab or a carriage return) gets a leading `'`, so a buyer's
 * name or email cannot execute in the seller's spreadsheet.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const EXPORT_HEADER = ['order', 'created', 'status', 'email', 'buyer', 'items', 'amount_total', 'currency', 'payment_intent'];

export async function exportOrders(db: D1Database, query: AdminOrdersExportQuery): Promise<{ csv: string; next: string | null }> {
  const from = Date.parse(`${query.from}T00:00:00Z`);
  const before = Date.parse(`${query.to}T00:00:00Z`) + DAY_MS;
  const after = decodeCursor(query.cursor) ?? { at: before, id: '' };
  const rows = (await listOrders(db, { after: after.at > before ? { at: before, id: '' } : after, limit: EXPORT_PAGE_SIZE, since: from }));
  const lines = await lineItemsOfOrders(db, rows.map((row) => row.id));
  const body = rows.map((row) =>
    [
      row.id,
      new Date(row.createdAt).toISOString(),
      row.status,
      row.customerEmail,
      row.clientReferenceId,
      (lines.get(row.id) ?? []).map((line) => `${line.quantity} × ${lineName(line)}`).join('; '),
      row.amountTotal,
      row.currency,
      row.paymentIntent,
    ]
      .map(csvCell)
      .join(','),
  );
  const header = query.cursor ? [] : [EXPORT_HEADER.join(',')];
  return { csv: [...header, ...body].map((line) => `${line}\r\n`).join(''), next: nextCursor(rows, EXPORT_PAGE_SIZE, (row) => ({ at: row.createdAt, id: row.id })) };
}
