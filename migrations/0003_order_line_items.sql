-- What an order bought, line by line: from Stripe's line items when the worker
-- has an API key, else the catalog product the Payment Link sells.
CREATE TABLE order_line_items (
  order_id     TEXT NOT NULL,
  position     INTEGER NOT NULL,
  price        TEXT,
  product      TEXT,                       -- Stripe product id, or the catalog slug for Payment Links without a key
  description  TEXT,
  quantity     INTEGER NOT NULL,
  amount_total INTEGER,
  currency     TEXT,
  PRIMARY KEY (order_id, position)
);
