-- A mirror of the seller's Stripe objects, kept in step by webhooks. Each row keeps
-- the fields the shop reads, the object as Stripe sent it (raw), a soft-delete flag,
-- and the version it was synced from: the event's `created`, then a tie-break key
-- for events of the same second (worker/store/mirror.ts: creation < update < deletion, then event id).
-- No foreign keys between these tables: Stripe delivers events in any order.
CREATE TABLE stripe_products (
  id             TEXT PRIMARY KEY,
  active         INTEGER NOT NULL,
  name           TEXT NOT NULL,
  description    TEXT,
  default_price  TEXT,
  deleted        INTEGER NOT NULL DEFAULT 0,
  raw            TEXT NOT NULL,
  synced_created INTEGER NOT NULL,
  synced_event   TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE stripe_prices (
  id                 TEXT PRIMARY KEY,
  product            TEXT NOT NULL,
  active             INTEGER NOT NULL,
  currency           TEXT NOT NULL,
  unit_amount        INTEGER,
  type               TEXT NOT NULL,          -- one_time | recurring
  recurring_interval TEXT,
  deleted            INTEGER NOT NULL DEFAULT 0,
  raw                TEXT NOT NULL,
  synced_created     INTEGER NOT NULL,
  synced_event       TEXT NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX stripe_prices_by_product ON stripe_prices (product);

CREATE TABLE stripe_customers (
  id             TEXT PRIMARY KEY,
  email          TEXT,
  name           TEXT,
  deleted        INTEGER NOT NULL DEFAULT 0,
  raw            TEXT NOT NULL,
  synced_created INTEGER NOT NULL,
  synced_event   TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE stripe_subscriptions (
  id                   TEXT PRIMARY KEY,
  customer             TEXT NOT NULL,
  status               TEXT NOT NULL,
  cancel_at_period_end INTEGER NOT NULL,
  deleted              INTEGER NOT NULL DEFAULT 0,
  raw                  TEXT NOT NULL,
  synced_created       INTEGER NOT NULL,
  synced_event         TEXT NOT NULL,
  updated_at           INTEGER NOT NULL
);
CREATE INDEX stripe_subscriptions_by_customer ON stripe_subscriptions (customer);

-- Rewritten with their subscription, and only when that subscription row took the event.
CREATE TABLE stripe_subscription_items (
  id           TEXT PRIMARY KEY,
  subscription TEXT NOT NULL,
  price        TEXT NOT NULL,
  product      TEXT NOT NULL,
  quantity     INTEGER
);
CREATE INDEX stripe_subscription_items_by_subscription ON stripe_subscription_items (subscription);

CREATE TABLE stripe_payment_links (
  id             TEXT PRIMARY KEY,
  active         INTEGER NOT NULL,
  url            TEXT NOT NULL,
  deleted        INTEGER NOT NULL DEFAULT 0,
  raw            TEXT NOT NULL,
  synced_created INTEGER NOT NULL,
  synced_event   TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);

-- Refunds and disputes find their order through the PaymentIntent; subscriptions
-- bought through Checkout tie a buyer to their entitlements.
ALTER TABLE orders ADD COLUMN payment_intent TEXT;
ALTER TABLE orders ADD COLUMN subscription TEXT;
ALTER TABLE orders ADD COLUMN revoked_at INTEGER;
CREATE INDEX orders_by_payment_intent ON orders (payment_intent);
