-- What the checkout options (issue 11) leave on an order, from the signed session.

-- The discount a promotion code or coupon gave (Stripe's total_details.amount_discount, minor
-- units; amount_total is already after it) and what gave it (discounts[0]): on the order,
-- since the buyer's own success page shows it.
ALTER TABLE orders ADD COLUMN amount_discount INTEGER CHECK (amount_discount IS NULL OR amount_discount >= 0);
ALTER TABLE orders ADD COLUMN promotion_code TEXT;   -- promo_…
ALTER TABLE orders ADD COLUMN coupon TEXT;           -- the coupon's id

-- Where a physical order ships and the buyer's phone: for the seller alone. A table of its
-- own, which only the back office reads, so no buyer-facing query can return it by accident.
CREATE TABLE order_buyer_details (
  order_id            TEXT PRIMARY KEY,  -- orders.id
  shipping_name       TEXT,
  shipping_line1      TEXT,
  shipping_line2      TEXT,
  shipping_city       TEXT,
  shipping_state      TEXT,
  shipping_postal_code TEXT,
  shipping_country    TEXT CHECK (shipping_country IS NULL OR length(shipping_country) = 2),
  phone               TEXT,
  recorded_at         INTEGER NOT NULL   -- ms
) WITHOUT ROWID;
