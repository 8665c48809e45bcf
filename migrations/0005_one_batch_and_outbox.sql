-- One D1 batch per webhook: the ledger claim, an assertion that this delivery won it,
-- the handler's writes and its outbox rows. The batch is one transaction, so when the
-- assertion fails (another delivery already processed the event) nothing of it applies.
ALTER TABLE stripe_events ADD COLUMN claim_token TEXT;

-- Inserting into this view asserts the claim; it stores nothing.
CREATE VIEW ledger_claim_won AS SELECT NULL AS event_id, NULL AS claim_token;
CREATE TRIGGER ledger_claim_won_assert INSTEAD OF INSERT ON ledger_claim_won
BEGIN
  SELECT RAISE(ABORT, 'event already claimed')
  WHERE NOT EXISTS (SELECT 1 FROM stripe_events WHERE id = NEW.event_id AND claim_token = NEW.claim_token);
END;

-- Side effects to carry out after the commit (worker/outbox/): a Queues consumer takes
-- each row, retries with backoff and marks it done, or dead after too many attempts.
-- One row per subject and kind: an order is delivered once and revoked once, whatever
-- events race; catalog rebuilds share one row per time bucket.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  subject         TEXT NOT NULL,           -- an order id, or catalog:<bucket>
  kind            TEXT NOT NULL CHECK (kind IN ('delivered', 'revoked', 'catalog')),
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,        -- ms
  next_attempt_at INTEGER NOT NULL,        -- ms; the sweeper re-sends rows left pending well past it
  done_at         INTEGER,                 -- ms
  UNIQUE (subject, kind)
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);

-- The storefront's slug of a mirrored product, for the product endpoint.
CREATE INDEX stripe_products_by_catalog_id ON stripe_products (json_extract(raw, '$.metadata.catalog_id'));
