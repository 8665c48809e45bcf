// A subscription order's billing periods (migrations/0018_subscription_periods.sql): one row per
// invoice Stripe signed. A period belongs to the order whose subscription it bills, joined when read,
// so a period recorded before its order still counts once the order exists.
import type { SubscriptionPeriodView } from '../../contract/api';
import type { PaymentNews } from './orders';

export type PeriodStatus = 'action_required' | 'failed' | 'paid';

/** What an invoice event says of one period. */
export interface Period {
  invoiceId: string;
  subscription: string;
  billingReason: string | null;
  /** The service period the invoice bills (unix seconds). */
  periodStart: number | null;
  periodEnd: number | null;
  amountDue: number;
  amountPaid: number;
  currency: string | null;
  paymentIntent: string | null;
  status: PeriodStatus;
  /** ms; when Stripe says it was paid (null unless paid). */
  paidAt: number | null;
}

/** A paid renewal as the deliver hook and the renewal email get it. */
export interface RenewalPeriod {
  /** The invoice that paid it (`in_…`). */
  invoice: string;
  /** 2 is the first renewal: 1 is the order's own first period. */
  number: number;
  /** The service period (ISO), as the invoice's subscription line says; null if Stripe did not. */
  start: string | null;
  end: string | null;
  amountPaid: number;
  currency: string | null;
}

/** The first invoice of a subscription is its order's own first period: its money is the order's. */
export const FIRST_PERIOD_REASON = 'subscription_create';

/**
 * Records the period once per invoice. Its status moves only forward to `paid` (a late
 * payment_failed never undoes a payment); the other fields fill in as Stripe reports them. A
 * refund or dispute of its charge recorded before it (payment_revocations) is applied at once.
 */
export function savePeriod(db: D1Database, period: Period, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO subscription_periods (invoice_id, subscription, billing_reason, period_start, period_end, amount_due, amount_paid, currency,
         payment_intent, status, paid_at, money_status, amount_refunded, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, coalesce(?11, CASE WHEN ?10 = 'paid' THEN ?12 END), r.status, coalesce(r.amount_refunded, 0), ?12, ?12
       FROM (SELECT ?9 AS payment_intent) AS paid LEFT JOIN payment_revocations r ON r.payment_intent = paid.payment_intent
       WHERE true
       ON CONFLICT (invoice_id) DO UPDATE SET
         status = excluded.status,
         billing_reason = coalesce(excluded.billing_reason, subscription_periods.billing_reason),
         period_start = coalesce(excluded.period_start, subscription_periods.period_start),
         period_end = coalesce(excluded.period_end, subscription_periods.period_end),
         amount_due = excluded.amount_due,
         amount_paid = max(excluded.amount_paid, subscription_periods.amount_paid),
         currency = coalesce(excluded.currency, subscription_periods.currency),
         payment_intent = coalesce(excluded.payment_intent, subscription_periods.payment_intent),
         paid_at = coalesce(subscription_periods.paid_at, excluded.paid_at),
         money_status = coalesce(subscription_periods.money_status, excluded.money_status),
         amount_refunded = max(subscription_periods.amount_refunded, excluded.amount_refunded),
         updated_at = excluded.updated_at
       WHERE subscription_periods.status <> 'paid'`,
    )
    .bind(
      period.invoiceId,
      period.subscription,
      period.billingReason,
      period.periodStart,
      period.periodEnd,
      period.amountDue,
      period.amountPaid,
      period.currency,
      period.paymentIntent,
      period.status,
      period.paidAt,
      now,
    );
}

/** Which news outranks which (as for orders' payment_revocations): what the latest facts imply, whatever order they came in. */
const rank = (value: string) => `CASE ${value} WHEN 'refunded' THEN 5 WHEN 'dispute_lost' THEN 4 WHEN 'dispute_won' THEN 3 WHEN 'disputed' THEN 2 WHEN 'partially_refunded' THEN 1 ELSE 0 END`;

/**
 * A refund or dispute of the charge that paid a period: recorded against that period (its money
 * state, its amount refunded, which only grows). The subscription order's own status is not moved.
 */
export function movePeriodByPaymentIntent(db: D1Database, paymentIntent: string, status: PaymentNews, amountRefunded: number, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE subscription_periods SET
         money_status = CASE WHEN ${rank('?2')} > ${rank('money_status')} THEN ?2 ELSE money_status END,
         amount_refunded = max(amount_refunded, ?3),
         updated_at = ?4
       WHERE payment_intent = ?1`,
    )
    .bind(paymentIntent, status, amountRefunded, now);
}

interface PeriodRow {
  invoiceId: string;
  billingReason: string | null;
  periodStart: number | null;
  periodEnd: number | null;
  amountDue: number;
  amountPaid: number;
  amountRefunded: number;
  currency: string | null;
  paymentIntent: string | null;
  status: PeriodStatus;
  moneyStatus: PaymentNews | null;
  paidAt: number | null;
  createdAt: number;
}

const PERIOD_COLUMNS = `invoice_id AS invoiceId, billing_reason AS billingReason, period_start AS periodStart, period_end AS periodEnd,
  amount_due AS amountDue, amount_paid AS amountPaid, amount_refunded AS amountRefunded, currency, payment_intent AS paymentIntent,
  status, money_status AS moneyStatus, paid_at AS paidAt, created_at AS createdAt`;

/** A subscription's periods, oldest first (through subscription_periods_by_subscription). */
export async function periodsOfSubscription(db: D1Database, subscription: string): Promise<SubscriptionPeriodView[]> {
  const { results } = await db
    .prepare(`SELECT ${PERIOD_COLUMNS} FROM subscription_periods WHERE subscription = ?1 ORDER BY period_start, created_at, invoice_id`)
    .bind(subscription)
    .all<PeriodRow>();
  return results.map(periodView);
}

/** How many renewals of a subscription are paid (through subscription_periods_by_subscription). */
export async function paidRenewalCount(db: D1Database, subscription: string): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS n FROM subscription_periods WHERE subscription = ?1 AND status = 'paid' AND billing_reason IS NOT '${FIRST_PERIOD_REASON}'`)
    .bind(subscription)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

function periodView(row: PeriodRow): SubscriptionPeriodView {
  const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());
  return {
    invoice: row.invoiceId,
    first: row.billingReason === FIRST_PERIOD_REASON,
    start: iso(row.periodStart),
    end: iso(row.periodEnd),
    status: row.status,
    amountDue: row.amountDue,
    amountPaid: row.amountPaid,
    amountRefunded: row.amountRefunded,
    currency: row.currency,
    paymentIntent: row.paymentIntent,
    moneyStatus: row.moneyStatus,
    paidAt: row.paidAt === null ? null : new Date(row.paidAt).toISOString(),
  };
}
