-- One licence key per unit bought: five licences of a product are five keys. `unit` numbers an
-- order's keys of one product from 0; the unique index gives each unit at most one key, so a
-- redelivery or two concurrent reads still assign once. Keys issued before are unit 0.
ALTER TABLE licence_keys ADD COLUMN unit INTEGER NOT NULL DEFAULT 0 CHECK (unit >= 0);
DROP INDEX licence_keys_one_per_order_product;
CREATE UNIQUE INDEX licence_keys_one_per_unit ON licence_keys (order_id, product_id, unit) WHERE order_id IS NOT NULL;

-- The back office's subscriptions view: the orders that started a subscription, newest first,
-- paged by a keyset through this index alone (a page reads its rows, whatever the orders' count).
CREATE INDEX orders_with_subscription ON orders (created_at, id) WHERE subscription IS NOT NULL;
