-- Issue 23: what the buyer paid for shipping (Stripe's session.shipping_cost.amount_total, minor
-- units), recorded with the order so the back office and the buyer's page show it. Null: no shipping.
ALTER TABLE orders ADD COLUMN amount_shipping INTEGER CHECK (amount_shipping IS NULL OR amount_shipping >= 0);
