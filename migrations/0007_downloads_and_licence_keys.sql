-- Digital delivery: how often each file of an order was downloaded, and licence keys.

-- One row per order and file, made by the first download. The count only grows, by one
-- guarded statement per download (worker/store/downloads.ts): `count < limit` and the
-- order still fulfilled are checked by the same UPDATE that counts, so concurrent
-- downloads can never pass the limit.
CREATE TABLE download_counts (
  order_id   TEXT NOT NULL,        -- orders.id
  file_key   TEXT NOT NULL,        -- the R2 object key (catalog.json)
  count      INTEGER NOT NULL CHECK (count >= 0),
  last_at    INTEGER NOT NULL,     -- ms
  PRIMARY KEY (order_id, file_key)
) WITHOUT ROWID;

-- Licence keys: generated at fulfilment (source 'generated', assigned at once), or
-- uploaded by the seller into a pool (source 'pool', order_id NULL until assigned).
-- A key is assigned once: the UPDATE that takes a free key checks order_id IS NULL,
-- and an order holds at most one key per product (the unique index).
CREATE TABLE licence_keys (
  id          INTEGER PRIMARY KEY,
  product_id  TEXT NOT NULL,       -- catalog product id
  key         TEXT NOT NULL,
  source      TEXT NOT NULL CHECK (source IN ('generated', 'pool')),
  order_id    TEXT,                -- orders.id; NULL while in the pool
  added_at    INTEGER NOT NULL,    -- ms
  assigned_at INTEGER,             -- ms
  UNIQUE (product_id, key),
  CHECK ((order_id IS NULL) = (assigned_at IS NULL))
);
CREATE UNIQUE INDEX licence_keys_one_per_order_product ON licence_keys (order_id, product_id) WHERE order_id IS NOT NULL;
-- The next free key of a product, in upload order.
CREATE INDEX licence_keys_free ON licence_keys (product_id, id) WHERE order_id IS NULL;
