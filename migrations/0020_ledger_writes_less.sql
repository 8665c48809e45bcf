-- Write less per purchase (issue 22). Every index entry is a row written (D1 bills it), so the
-- ledger keeps the indexes the back office's queries use and nothing more, and its payload
-- only while the event can still be retried or inspected.
--
-- stripe_events is rebuilt: the payload is cleared (NULL) once an event is processed and older
-- than LEDGER_PAYLOAD_RETENTION_DAYS (worker/events/retention.ts), and an ignored event keeps
-- none; an
-- order's history finds its events by `order_key` (the session id for checkout.session.*
-- events, the payment intent for charges and disputes) instead of two indexes on the
-- payload's JSON, which every event paid for and a cleared payload would lose; a
-- dead-lettered event says so in `dead_lettered_at`.
DROP TRIGGER ledger_claim_won_assert;

CREATE TABLE stripe_events_lean (
  id               TEXT PRIMARY KEY,
  type             TEXT NOT NULL,
  created          INTEGER NOT NULL,            -- event.created, unix seconds
  livemode         INTEGER NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('received', 'processed', 'failed', 'ignored')),
  attempts         INTEGER NOT NULL DEFAULT 1,
  last_error       TEXT,
  lease_until      INTEGER,                     -- ms
  received_at      INTEGER NOT NULL,            -- ms
  processed_at     INTEGER,                     -- ms
  payload          TEXT,                        -- the event as delivered; NULL once past retention (processed or ignored only)
  note             TEXT,
  claim_token      TEXT,
  order_key        TEXT,                        -- checkout.session.*: the session id; charge.*: the payment intent
  dead_lettered_at INTEGER                      -- ms; set when the events queue gave up on it
);
INSERT INTO stripe_events_lean (id, type, created, livemode, status, attempts, last_error, lease_until, received_at, processed_at, payload, note, claim_token, order_key)
  SELECT id, type, created, livemode, status, attempts, last_error, lease_until, received_at, processed_at, payload, note, claim_token,
         CASE WHEN json_extract(payload, '$.data.object.id') LIKE 'cs\_%' ESCAPE '\' THEN json_extract(payload, '$.data.object.id')
              WHEN json_extract(payload, '$.data.object.id') LIKE 'pi\_%' ESCAPE '\' THEN json_extract(payload, '$.data.object.id')
              ELSE json_extract(payload, '$.data.object.payment_intent') END
  FROM stripe_events;
UPDATE stripe_events_lean SET dead_lettered_at = received_at WHERE status = 'failed' AND last_error LIKE 'dead-lettered after %';
-- Ignored events keep no payload: nothing will run them.
UPDATE stripe_events_lean SET payload = NULL WHERE status = 'ignored';
DROP TABLE stripe_events;
ALTER TABLE stripe_events_lean RENAME TO stripe_events;

-- The ledger newest first: all (and the last event), by status (and the counts, the failed
-- and ignored lists), by type; an order's events. Nothing else reads stripe_events by more
-- than its id (test/worker/store/query-plans.test.ts).
CREATE INDEX stripe_events_by_received ON stripe_events (received_at, id);
CREATE INDEX stripe_events_by_status_received ON stripe_events (status, received_at, id);
CREATE INDEX stripe_events_by_type_received ON stripe_events (type, received_at, id);
CREATE INDEX stripe_events_by_order ON stripe_events (order_key) WHERE order_key IS NOT NULL;

CREATE TRIGGER ledger_claim_won_assert INSTEAD OF INSERT ON ledger_claim_won
BEGIN
  SELECT RAISE(ABORT, 'event already claimed')
  WHERE NOT EXISTS (SELECT 1 FROM stripe_events WHERE id = NEW.event_id AND claim_token = NEW.claim_token);
END;

-- How far the scheduled clearing of payloads has come (received_at, ms): each run reads only
-- the events received since, never the ones it already cleared.
CREATE TABLE ledger_retention (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  cleared_before INTEGER NOT NULL
);

-- The back office's search by email and the buyer's library both match lower(customer_email):
-- one index serves both (the NOCASE one was a second entry per order).
DROP INDEX orders_by_email;
