-- Every verified Stripe event, keyed by Stripe's event id. Redeliveries find
-- their row here: processed and ignored events are answered without work,
-- failed ones (and ones whose worker died mid-way, once the lease lapses) run again.
CREATE TABLE stripe_events (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  created     INTEGER NOT NULL,            -- event.created, unix seconds
  livemode    INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('received', 'processed', 'failed', 'ignored')),
  attempts    INTEGER NOT NULL DEFAULT 1,
  last_error  TEXT,
  lease_until INTEGER,                     -- ms; while 'received', a concurrent delivery backs off until then
  received_at INTEGER NOT NULL,            -- ms
  processed_at INTEGER,                    -- ms
  payload     TEXT NOT NULL
);
CREATE INDEX stripe_events_by_status ON stripe_events (status, received_at);

-- One row per Checkout Session. Status only moves forward (see worker/orders/status.ts).
CREATE TABLE orders (
  id                  TEXT PRIMARY KEY,    -- Checkout Session id, cs_test_… / cs_live_…
  status              TEXT NOT NULL,
  client_reference_id TEXT,
  payment_link        TEXT,
  product_id          TEXT,
  amount_total        INTEGER,             -- minor units
  currency            TEXT,
  customer_email      TEXT,
  mode                TEXT NOT NULL,
  livemode            INTEGER NOT NULL,
  delivery_token      TEXT UNIQUE,
  fulfilled_at        INTEGER,             -- ms; set once, never cleared
  created_at          INTEGER NOT NULL,    -- ms
  updated_at          INTEGER NOT NULL     -- ms
);
CREATE INDEX orders_by_client_reference ON orders (client_reference_id);
