-- The order state machine of issue 23 (contract/order-states.ts): partial refunds, a dispute's
-- outcome, the seller's revoke and restore, and a physical order's shipping states. Orders keep
-- their amounts net: amount_refunded only grows, with each charge.refunded Stripe signs. The
-- seller's actions without money (revoke, restore, mark shipped) are logged with who and why.
-- SQLite changes a CHECK only by rebuilding the table; rows are kept as they are.
CREATE TABLE orders_states (
  id                  TEXT PRIMARY KEY,    -- Checkout Session id, cs_test_… / cs_live_…
  status              TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'fulfilled', 'payment_failed', 'expired', 'refunded', 'disputed', 'review',
                        'partially_refunded', 'dispute_won', 'dispute_lost', 'revoked', 'restored', 'awaiting_shipment', 'shipped', 'delivered')),
  client_reference_id TEXT,
  payment_link        TEXT,
  product_id          TEXT,
  amount_total        INTEGER,             -- minor units
  currency            TEXT,
  customer_email      TEXT,
  mode                TEXT NOT NULL CHECK (mode IN ('payment', 'subscription', 'setup')),
  livemode            INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  delivery_token      TEXT UNIQUE,
  fulfilled_at        INTEGER,             -- ms; set once, never cleared
  created_at          INTEGER NOT NULL,    -- ms
  updated_at          INTEGER NOT NULL,    -- ms
  payment_intent      TEXT,
  subscription        TEXT,
  revoked_at          INTEGER,             -- ms; set once, when a refund or dispute first revoked it
  amount_discount     INTEGER CHECK (amount_discount IS NULL OR amount_discount >= 0),
  promotion_code      TEXT,
  coupon              TEXT,
  amount_refunded     INTEGER NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),  -- minor units, Stripe's charge.amount_refunded
  shipping_carrier    TEXT,                -- set by the seller's "mark shipped"
  tracking_number     TEXT,
  shipped_at          INTEGER              -- ms
);
INSERT INTO orders_states (id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email, mode, livemode,
  delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at, amount_discount, promotion_code, coupon, amount_refunded)
SELECT id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email, mode, livemode,
  delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at, amount_discount, promotion_code, coupon,
  CASE WHEN status = 'refunded' THEN coalesce(amount_total, 0) ELSE 0 END
FROM orders;
DROP TABLE orders;
ALTER TABLE orders_states RENAME TO orders;
CREATE INDEX orders_by_client_reference ON orders (client_reference_id);
CREATE INDEX orders_by_payment_intent ON orders (payment_intent);
CREATE INDEX orders_by_created ON orders (created_at, id);
CREATE INDEX orders_by_status_created ON orders (status, created_at, id);
CREATE INDEX orders_by_email ON orders (customer_email COLLATE NOCASE);

-- What Stripe signed about a payment before its order arrived: a partial refund (with how much
-- came back) and a dispute's outcome are kept too, and applied when the order is recorded.
CREATE TABLE payment_revocations_amounts (
  payment_intent  TEXT PRIMARY KEY,
  status          TEXT NOT NULL CHECK (status IN ('refunded', 'disputed', 'partially_refunded', 'dispute_won', 'dispute_lost')),
  event_id        TEXT NOT NULL,
  recorded_at     INTEGER NOT NULL,          -- ms
  amount_refunded INTEGER NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0)
);
INSERT INTO payment_revocations_amounts (payment_intent, status, event_id, recorded_at) SELECT payment_intent, status, event_id, recorded_at FROM payment_revocations;
DROP TABLE payment_revocations;
ALTER TABLE payment_revocations_amounts RENAME TO payment_revocations;

CREATE TABLE admin_actions_states (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,                -- ms
  actor   TEXT NOT NULL,                   -- the Access user's email, or SYNC_TOKEN
  action  TEXT NOT NULL CHECK (action IN ('refund_requested', 'fulfilment_rerun', 'delivery_retried', 'event_retried', 'mirror_synced',
                'access_revoked', 'access_restored', 'marked_shipped', 'marked_delivered')),
  subject TEXT NOT NULL,                   -- an order id, an event id, or a mirror resource
  detail  TEXT                             -- JSON; the seller's reason for access and shipping actions
);
INSERT INTO admin_actions_states SELECT id, at, actor, action, subject, detail FROM admin_actions;
DROP TABLE admin_actions;
ALTER TABLE admin_actions_states RENAME TO admin_actions;
CREATE INDEX admin_actions_by_subject ON admin_actions (subject, at);
CREATE INDEX admin_actions_by_action ON admin_actions (action, at);
