-- The seller's back office (/admin/): every list it shows is paged by a keyset cursor
-- through an index, so a page costs the same at 1k or 100k rows.

-- Orders newest first, all or by status; found by the buyer's email (any case).
CREATE INDEX orders_by_created ON orders (created_at, id);
CREATE INDEX orders_by_status_created ON orders (status, created_at, id);
CREATE INDEX orders_by_email ON orders (customer_email COLLATE NOCASE);

-- The ledger newest first, all, by status or by type; ignored events counted by type.
CREATE INDEX stripe_events_by_received ON stripe_events (received_at, id);
CREATE INDEX stripe_events_by_status_received ON stripe_events (status, received_at, id);
CREATE INDEX stripe_events_by_type_received ON stripe_events (type, received_at, id);
CREATE INDEX stripe_events_by_status_type ON stripe_events (status, type);
-- An order's history: the events whose object is its session, or was paid by its payment intent.
CREATE INDEX stripe_events_by_object ON stripe_events (json_extract(payload, '$.data.object.id'));
CREATE INDEX stripe_events_by_payment_intent ON stripe_events (json_extract(payload, '$.data.object.payment_intent'));
DROP INDEX stripe_events_by_status;

-- What the seller did, by whom: refunds asked of Stripe, fulfilments re-run, events
-- retried, mirror pages synced. Shown in an order's history and on the health page.
CREATE TABLE admin_actions (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,                -- ms
  actor   TEXT NOT NULL,                   -- the Access user's email, or SYNC_TOKEN
  action  TEXT NOT NULL CHECK (action IN ('refund_requested', 'fulfilment_rerun', 'delivery_retried', 'event_retried', 'mirror_synced')),
  subject TEXT NOT NULL,                   -- an order id, an event id, or a mirror resource
  detail  TEXT                             -- JSON
);
CREATE INDEX admin_actions_by_subject ON admin_actions (subject, at);
CREATE INDEX admin_actions_by_action ON admin_actions (action, at);
