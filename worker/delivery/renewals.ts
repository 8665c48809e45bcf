// A subscription order's renewals as its delivery sees them: which paid period an invoice is
// (the order's own first period is 1), and how many periods the order has paid for, which decides
// the per-period files it serves (catalog `periodFiles`).
import type { OrderRecord } from '../store/order-records';
import type { RenewalPeriod } from '../store/subscription-periods';

/** The paid renewal `invoice` of the order; null when it is not recorded as paid. */
export function renewalPeriod(record: Pick<OrderRecord, 'paidRenewals'>, invoice: string): RenewalPeriod | null {
  const index = record.paidRenewals.findIndex((period) => period.invoice === invoice);
  if (index < 0) return null;
  const { start, end, amountPaid, currency } = record.paidRenewals[index]!;
  const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());
  return { invoice, number: index + 2, start: iso(start), end: iso(end), amountPaid, currency };
}

/** How many periods the order has paid for: its own, and each paid renewal. */
export function periodsPaid(record: Pick<OrderRecord, 'paidRenewals'>): number {
  return 1 + record.paidRenewals.length;
}
