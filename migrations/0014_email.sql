-- Transactional email (worker/email/): an email is an outbox row of kind 'email', sent after the
-- commit, once per subject (`<template>:<order id>`, the provider's idempotency key). `payload`
-- says which template and for whom. SQLite adds to a CHECK only by rebuilding the table.
CREATE TABLE outbox_with_email (
  id              INTEGER PRIMARY KEY,
  subject         TEXT NOT NULL,           -- an order id, catalog:<bucket>, or <template>:<order id | request id>
  kind            TEXT NOT NULL CHECK (kind IN ('delivered', 'revoked', 'catalog', 'email')),
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,        -- ms
  next_attempt_at INTEGER NOT NULL,        -- ms; the sweeper re-sends rows left pending well past it
  done_at         INTEGER,                 -- ms
  payload         TEXT,                    -- email: {"template", "order"?, "to"?}
  UNIQUE (subject, kind)
);
INSERT INTO outbox_with_email (id, subject, kind, status, attempts, last_error, created_at, next_attempt_at, done_at)
SELECT id, subject, kind, status, attempts, last_error, created_at, next_attempt_at, done_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_with_email RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
-- The back office lists an order's emails.
CREATE INDEX outbox_email_by_order ON outbox (json_extract(payload, '$.order')) WHERE kind = 'email';

-- The buyer's library: every order of an email address, reached from any device.
CREATE INDEX orders_by_customer_email ON orders (lower(customer_email));

-- A single-use sign-in link, bound to its email: only its hash is kept.
CREATE TABLE library_links (
  token_hash TEXT PRIMARY KEY,             -- SHA-256 of the token, hex
  email      TEXT NOT NULL,                -- lower-case
  created_at INTEGER NOT NULL,             -- ms
  expires_at INTEGER NOT NULL,             -- ms
  used_at    INTEGER                       -- ms; set once, by the one open that signs in
);

-- A signed-in browser: the cookie holds a random id, this its hash; revoked_at ends it.
CREATE TABLE library_sessions (
  id_hash    TEXT PRIMARY KEY,
  email      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX library_sessions_by_email ON library_sessions (email);

-- Library requests counted per key (an email's hash, or a client's) and fixed window.
CREATE TABLE library_request_counts (
  key          TEXT NOT NULL,
  window_start INTEGER NOT NULL,           -- ms
  count        INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);

-- The back office's "Resend receipt" is logged like its other actions.
CREATE TABLE admin_actions_with_receipts (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,                -- ms
  actor   TEXT NOT NULL,                   -- the Access user's email, or SYNC_TOKEN
  action  TEXT NOT NULL CHECK (action IN ('refund_requested', 'fulfilment_rerun', 'delivery_retried', 'event_retried', 'mirror_synced',
                'access_revoked', 'access_restored', 'marked_shipped', 'marked_delivered', 'receipt_resent')),
  subject TEXT NOT NULL,                   -- an order id, an event id, or a mirror resource
  detail  TEXT                             -- JSON
);
INSERT INTO admin_actions_with_receipts (id, at, actor, action, subject, detail) SELECT id, at, actor, action, subject, detail FROM admin_actions;
DROP TABLE admin_actions;
ALTER TABLE admin_actions_with_receipts RENAME TO admin_actions;
CREATE INDEX admin_actions_by_subject ON admin_actions (subject, at);
CREATE INDEX admin_actions_by_action ON admin_actions (action, at);
