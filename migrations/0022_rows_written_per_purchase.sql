-- Write less per purchase, continued (issue 22). D1 bills every row an insert writes, and every
-- index entry is one: a purchase wrote 40. Here, what costs an entry and serves nothing:
--
-- * A table keyed by text paid twice per row: the table's hidden rowid b-tree and the index on
--   its key. Orders, order lines and the customers' mirror become WITHOUT ROWID tables, one
--   b-tree keyed by their own key (their rows are small: the mirror keeps only what the shop
--   reads of a customer).
-- * Indexes of the exception, not of the rule: most events end processed, most orders fulfilled
--   and most outbox rows done, so the ledger indexes by status only the unsettled events, orders
--   only the unfulfilled, and the outbox only its pending and its dead rows. A processed event and a done row leave those indexes (free: D1
--   counts what a write adds).
-- * An order without a client reference or a payment intent (a subscription's first session)
--   writes no entry for it.
-- * A generated licence key is 125 random bits: unique by construction, so only the seller's pool
--   keys are held unique (a pool upload skips the keys it already has).

-- ─── the ledger: its status index holds the events not processed ──────────────
-- (The ledger stays a rowid table: its rows carry the event's payload for a while, too large for
-- a WITHOUT ROWID b-tree's pages, which would spill each into overflow pages.)
-- Newest first (all, processed, the payloads to clear) goes by stripe_events_by_received; the
-- events not processed (received, failed, ignored: their lists, counts, Retry) by this index,
-- which worker/store/ledger.ts reads with `status <> 'processed'` in its WHERE so SQLite may use it.
DROP INDEX stripe_events_by_status_received;
CREATE INDEX stripe_events_unsettled ON stripe_events (status, received_at, id) WHERE status <> 'processed';

-- ─── the customers' mirror ───────────────────────────────────────────────────
CREATE TABLE stripe_customers_keyed (
  id             TEXT PRIMARY KEY,
  email          TEXT,
  name           TEXT,
  deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  raw            TEXT NOT NULL,                -- what the shop keeps of the customer: id, email, name (worker/mirror/resources.ts)
  synced_created INTEGER NOT NULL,
  synced_event   TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO stripe_customers_keyed
  SELECT id, email, name, deleted, json_object('id', id, 'object', 'customer', 'email', email, 'name', name), synced_created, synced_event, updated_at
  FROM stripe_customers;
DROP TABLE stripe_customers;
ALTER TABLE stripe_customers_keyed RENAME TO stripe_customers;

-- ─── order lines ─────────────────────────────────────────────────────────────
CREATE TABLE order_line_items_keyed (
  order_id     TEXT NOT NULL,
  position     INTEGER NOT NULL,
  price        TEXT,
  product      TEXT,                       -- Stripe product id, or the catalog slug for Payment Links without a key
  description  TEXT,
  quantity     INTEGER NOT NULL,
  amount_total INTEGER,
  currency     TEXT,
  PRIMARY KEY (order_id, position)
) WITHOUT ROWID;
INSERT INTO order_line_items_keyed SELECT order_id, position, price, product, description, quantity, amount_total, currency FROM order_line_items;
DROP TABLE order_line_items;
ALTER TABLE order_line_items_keyed RENAME TO order_line_items;

-- ─── orders: keyed by their id; no entry for what an order does not have ────────
-- An order row is a few hundred bytes: one b-tree keyed by the session id holds it. The status
-- index holds the orders not fulfilled (fulfilled is where most end; their list walks
-- orders_by_created); an order without a client reference or a payment intent (a subscription's
-- first session) writes no entry for it.
CREATE TABLE orders_keyed (
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
  shipped_at          INTEGER,             -- ms
  amount_shipping     INTEGER CHECK (amount_shipping IS NULL OR amount_shipping >= 0)
) WITHOUT ROWID;
INSERT INTO orders_keyed (id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email, mode, livemode,
    delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at, amount_discount, promotion_code, coupon,
    amount_refunded, shipping_carrier, tracking_number, shipped_at, amount_shipping)
  SELECT id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email, mode, livemode,
    delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at, amount_discount, promotion_code, coupon,
    amount_refunded, shipping_carrier, tracking_number, shipped_at, amount_shipping
  FROM orders;
DROP TABLE orders;
ALTER TABLE orders_keyed RENAME TO orders;
CREATE INDEX orders_by_client_reference ON orders (client_reference_id) WHERE client_reference_id IS NOT NULL;
CREATE INDEX orders_by_payment_intent ON orders (payment_intent) WHERE payment_intent IS NOT NULL;
CREATE INDEX orders_by_created ON orders (created_at, id);
CREATE INDEX orders_unfulfilled ON orders (status, created_at, id) WHERE status <> 'fulfilled';
CREATE INDEX orders_with_subscription ON orders (created_at, id) WHERE subscription IS NOT NULL;
CREATE INDEX orders_by_customer_email ON orders (lower(customer_email));
CREATE INDEX orders_by_subscription ON orders (subscription) WHERE subscription IS NOT NULL;

-- ─── the outbox: its pending rows (the sweep) and its dead ones (the back office) ─
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (id) WHERE status = 'dead';

-- ─── licence keys: the pool's held unique, generated ones unique by construction ─
CREATE TABLE licence_keys_lean (
  id          INTEGER PRIMARY KEY,
  product_id  TEXT NOT NULL,       -- catalog product id
  key         TEXT NOT NULL,
  source      TEXT NOT NULL CHECK (source IN ('generated', 'pool')),
  order_id    TEXT,                -- orders.id; NULL while in the pool
  added_at    INTEGER NOT NULL,    -- ms
  assigned_at INTEGER,             -- ms
  unit        INTEGER NOT NULL DEFAULT 0 CHECK (unit >= 0),
  CHECK ((order_id IS NULL) = (assigned_at IS NULL))
);
INSERT INTO licence_keys_lean (id, product_id, key, source, order_id, added_at, assigned_at, unit)
  SELECT id, product_id, key, source, order_id, added_at, assigned_at, unit FROM licence_keys;
DROP TABLE licence_keys;
ALTER TABLE licence_keys_lean RENAME TO licence_keys;
CREATE UNIQUE INDEX licence_keys_pool_key ON licence_keys (product_id, key) WHERE source = 'pool';
CREATE INDEX licence_keys_free ON licence_keys (product_id, id) WHERE order_id IS NULL;
CREATE UNIQUE INDEX licence_keys_one_per_unit ON licence_keys (order_id, product_id, unit) WHERE order_id IS NOT NULL;
