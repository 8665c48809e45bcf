-- A subscription order's billing periods: one row per invoice Stripe signed (invoice.paid,
-- invoice.payment_failed, invoice.payment_action_required), keyed by the invoice so that a
-- redelivery records nothing twice. The order is the one whose `subscription` it is, joined when
-- read: the first invoice's event often arrives before checkout.session.completed made the order.
-- The first invoice (billing_reason 'subscription_create') is the order's own first period: its
-- money is the order's (orders.amount_total), so the sales totals count only the later periods.
CREATE TABLE subscription_periods (
  invoice_id      TEXT PRIMARY KEY,
  subscription    TEXT NOT NULL,
  billing_reason  TEXT,
  period_start    INTEGER,
  period_end      INTEGER,
  amount_due      INTEGER NOT NULL DEFAULT 0 CHECK (amount_due >= 0),
  amount_paid     INTEGER NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
  currency        TEXT,
  payment_intent  TEXT,
  -- Only forward to 'paid': a late payment_failed never undoes a payment.
  status          TEXT NOT NULL CHECK (status IN ('action_required', 'failed', 'paid')),
  -- What happened to the period's charge afterwards (refunds and disputes Stripe signed); NULL: nothing.
  money_status    TEXT CHECK (money_status IN ('partially_refunded', 'refunded', 'disputed', 'dispute_won', 'dispute_lost')),
  amount_refunded INTEGER NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
  paid_at         INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX subscription_periods_by_subscription ON subscription_periods (subscription, period_start);
CREATE INDEX subscription_periods_by_payment_intent ON subscription_periods (payment_intent) WHERE payment_intent IS NOT NULL;
-- The sales totals' window: renewals paid since a moment.
CREATE INDEX subscription_periods_by_paid ON subscription_periods (paid_at) WHERE status = 'paid';
-- A period finds its order (and a renewal's refund its order) through the subscription.
CREATE INDEX orders_by_subscription ON orders (subscription) WHERE subscription IS NOT NULL;

