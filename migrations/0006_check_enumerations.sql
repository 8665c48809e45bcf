-- Every enumerated column says what it may hold. SQLite adds a CHECK only by rebuilding
-- the table: each is copied into a new table with its constraints, the old one dropped,
-- the new one renamed, its indexes made again. Rows are kept as they are.

-- Orders: the shop's own states (worker/orders/status.ts; contract/api.ts ORDER_STATUSES).
CREATE TABLE orders_checked (
  id                  TEXT PRIMARY KEY,    -- Checkout Session id, cs_test_… / cs_live_…
  status              TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'fulfilled', 'payment_failed', 'expired', 'refunded', 'disputed', 'review')),
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
  revoked_at          INTEGER              -- ms; set once, when a refund or dispute first revoked it
);
INSERT INTO orders_checked (id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email,
  mode, livemode, delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at)
SELECT id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email,
  mode, livemode, delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at FROM orders;
DROP TABLE orders;
ALTER TABLE orders_checked RENAME TO orders;
CREATE INDEX orders_by_client_reference ON orders (client_reference_id);
CREATE INDEX orders_by_payment_intent ON orders (payment_intent);

-- Prices: Stripe's two types and four intervals.
CREATE TABLE stripe_prices_checked (
  id                 TEXT PRIMARY KEY,
  product            TEXT NOT NULL,
  active             INTEGER NOT NULL CHECK (active IN (0, 1)),
  currency           TEXT NOT NULL,
  unit_amount        INTEGER,
  type               TEXT NOT NULL CHECK (type IN ('one_time', 'recurring')),
  recurring_interval TEXT CHECK (recurring_interval IN ('day', 'week', 'month', 'year')),
  deleted            INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  raw                TEXT NOT NULL,
  synced_created     INTEGER NOT NULL,
  synced_event       TEXT NOT NULL,
  updated_at         INTEGER NOT NULL
);
INSERT INTO stripe_prices_checked SELECT id, product, active, currency, unit_amount, type, recurring_interval, deleted, raw, synced_created, synced_event, updated_at FROM stripe_prices;
DROP TABLE stripe_prices;
ALTER TABLE stripe_prices_checked RENAME TO stripe_prices;
CREATE INDEX stripe_prices_by_product ON stripe_prices (product);

-- Subscriptions: the statuses Stripe documents for a Subscription.
CREATE TABLE stripe_subscriptions_checked (
  id                   TEXT PRIMARY KEY,
  customer             TEXT NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused')),
  cancel_at_period_end INTEGER NOT NULL CHECK (cancel_at_period_end IN (0, 1)),
  deleted              INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  raw                  TEXT NOT NULL,
  synced_created       INTEGER NOT NULL,
  synced_event         TEXT NOT NULL,
  updated_at           INTEGER NOT NULL
);
INSERT INTO stripe_subscriptions_checked SELECT id, customer, status, cancel_at_period_end, deleted, raw, synced_created, synced_event, updated_at FROM stripe_subscriptions;
DROP TABLE stripe_subscriptions;
ALTER TABLE stripe_subscriptions_checked RENAME TO stripe_subscriptions;
CREATE INDEX stripe_subscriptions_by_customer ON stripe_subscriptions (customer);

-- Products, customers and Payment Links: their flags are booleans.
CREATE TABLE stripe_products_checked (
  id             TEXT PRIMARY KEY,
  active         INTEGER NOT NULL CHECK (active IN (0, 1)),
  name           TEXT NOT NULL,
  description    TEXT,
  default_price  TEXT,
  deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  raw            TEXT NOT NULL,
  synced_created INTEGER NOT NULL,
  synced_event   TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);
INSERT INTO stripe_products_checked SELECT id, active, name, description, default_price, deleted, raw, synced_created, synced_event, updated_at FROM stripe_products;
DROP TABLE stripe_products;
ALTER TABLE stripe_products_checked RENAME TO stripe_products;
CREATE INDEX stripe_products_by_catalog_id ON stripe_products (json_extract(raw, '$.metadata.catalog_id'));

CREATE TABLE stripe_customers_checked (
  id             TEXT PRIMARY KEY,
  email          TEXT,
  name           TEXT,
  deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  raw            TEXT NOT NULL,
  synced_created INTEGER NOT NULL,
  synced_event   TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);
INSERT INTO stripe_customers_checked SELECT id, email, name, deleted, raw, synced_created, synced_event, updated_at FROM stripe_customers;
DROP TABLE stripe_customers;
ALTER TABLE stripe_customers_checked RENAME TO stripe_customers;

CREATE TABLE stripe_payment_links_checked (
  id             TEXT PRIMARY KEY,
  active         INTEGER NOT NULL CHECK (active IN (0, 1)),
  url            TEXT NOT NULL,
  deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  raw            TEXT NOT NULL,
  synced_created INTEGER NOT NULL,
  synced_event   TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);
INSERT INTO stripe_payment_links_checked SELECT id, active, url, deleted, raw, synced_created, synced_event, updated_at FROM stripe_payment_links;
DROP TABLE stripe_payment_links;
ALTER TABLE stripe_payment_links_checked RENAME TO stripe_payment_links;

