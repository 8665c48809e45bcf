-- One more kind of incident: webhook events accepted (Stripe was answered 200) that have waited
-- on the events queue too long without their commit — the consumer is failing or not attached,
-- and paid orders wait with them (worker/admin/alerts.ts). The table is rebuilt for its CHECK.
CREATE TABLE alerts_kinds (
  incident    TEXT PRIMARY KEY,              -- kind, or kind:family
  kind        TEXT NOT NULL CHECK (kind IN ('events_failing', 'events_quiet', 'events_backlog', 'missed_events', 'endpoint_disabled')),
  opened_at   INTEGER NOT NULL,              -- ms
  resolved_at INTEGER,                       -- ms; null while open
  message     TEXT NOT NULL,
  what_to_do  TEXT NOT NULL
);
INSERT INTO alerts_kinds (incident, kind, opened_at, resolved_at, message, what_to_do)
  SELECT incident, kind, opened_at, resolved_at, message, what_to_do FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_kinds RENAME TO alerts;
