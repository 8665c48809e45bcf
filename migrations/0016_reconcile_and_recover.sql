-- Reconcile and recover (issue 26): per-record resyncs and reconciliation runs are logged
-- actions; each run writes a drift report; alerts are kept once per incident.

-- admin_actions gains 'object_resynced' and 'reconciled', keeping 0012's and 0014's (SQLite cannot alter a CHECK: rebuilt).
CREATE TABLE admin_actions_checked (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,                -- ms
  actor   TEXT NOT NULL,                   -- the Access user's email, SYNC_TOKEN, or 'cron'
  action  TEXT NOT NULL CHECK (action IN ('refund_requested', 'fulfilment_rerun', 'delivery_retried', 'event_retried', 'mirror_synced',
                'access_revoked', 'access_restored', 'marked_shipped', 'marked_delivered', 'receipt_resent',
                'object_resynced', 'reconciled')),
  subject TEXT NOT NULL,                   -- an order id, an event id, a mirror resource or object, a reconciliation run
  detail  TEXT                             -- JSON
);
INSERT INTO admin_actions_checked (id, at, actor, action, subject, detail) SELECT id, at, actor, action, subject, detail FROM admin_actions;
DROP TABLE admin_actions;
ALTER TABLE admin_actions_checked RENAME TO admin_actions;
CREATE INDEX admin_actions_by_subject ON admin_actions (subject, at);
CREATE INDEX admin_actions_by_action ON admin_actions (action, at);

-- One reconciliation run: it pages through Stripe's lists a bounded number of pages, and
-- leaves a cursor where the next run carries on (worker/reconcile/).
CREATE TABLE reconcile_runs (
  id          TEXT PRIMARY KEY,
  started_at  INTEGER NOT NULL,              -- ms
  finished_at INTEGER,                       -- ms; null while a later run still carries it on
  trigger     TEXT NOT NULL CHECK (trigger IN ('cron', 'admin')),
  pages       INTEGER NOT NULL DEFAULT 0,    -- Stripe list pages read, across every call of this run
  compared    INTEGER NOT NULL DEFAULT 0,    -- objects and events compared
  cursor      TEXT                           -- JSON { step, startingAfter }: where the run carries on; null when finished
);
CREATE INDEX reconcile_runs_by_start ON reconcile_runs (started_at);

-- The drift report: what differed from Stripe, and whether it was repaired or needs the seller.
CREATE TABLE reconcile_drift (
  run       TEXT NOT NULL REFERENCES reconcile_runs (id),
  resource  TEXT NOT NULL,                   -- products, prices, customers, subscriptions, payment_links, events
  object_id TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('missing', 'changed', 'missed_event')),
  fields    TEXT,                            -- JSON: the columns that differed
  outcome   TEXT NOT NULL CHECK (outcome IN ('repaired', 'needs_seller')),
  detail    TEXT,
  PRIMARY KEY (run, resource, object_id)
);

-- Alerts, one row per incident: opened once, resolved when the condition clears.
CREATE TABLE alerts (
  incident    TEXT PRIMARY KEY,              -- kind, or kind:family
  kind        TEXT NOT NULL CHECK (kind IN ('events_failing', 'events_quiet', 'missed_events', 'endpoint_disabled')),
  opened_at   INTEGER NOT NULL,              -- ms
  resolved_at INTEGER,                       -- ms; null while open
  message     TEXT NOT NULL,
  what_to_do  TEXT NOT NULL
);
