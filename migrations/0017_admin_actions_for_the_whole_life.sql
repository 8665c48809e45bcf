-- admin_actions gains the seller's moves that issues 23 and 26 add (a download count reset, a
-- file version published, past buyers notified), keeping every action of 0016. SQLite cannot
-- alter a CHECK, so the table is rebuilt; test/worker/migrations/checks.test.ts holds this list
-- against ADMIN_ACTIONS in worker/store/admin-actions.ts, so a new action cannot be forgotten here.
CREATE TABLE admin_actions_checked (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,                -- ms
  actor   TEXT NOT NULL,                   -- the Access user's email, SYNC_TOKEN, or 'cron'
  action  TEXT NOT NULL CHECK (action IN ('refund_requested', 'fulfilment_rerun', 'delivery_retried', 'event_retried', 'mirror_synced',
                'access_revoked', 'access_restored', 'marked_shipped', 'marked_delivered', 'receipt_resent',
                'object_resynced', 'reconciled', 'downloads_reset', 'file_version_published', 'buyers_notified')),
  subject TEXT NOT NULL,                   -- an order id, an event id, a mirror resource or object, a reconciliation run, a file
  detail  TEXT                             -- JSON
);
INSERT INTO admin_actions_checked (id, at, actor, action, subject, detail) SELECT id, at, actor, action, subject, detail FROM admin_actions;
DROP TABLE admin_actions;
ALTER TABLE admin_actions_checked RENAME TO admin_actions;
CREATE INDEX admin_actions_by_subject ON admin_actions (subject, at);
CREATE INDEX admin_actions_by_action ON admin_actions (action, at);
