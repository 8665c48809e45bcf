-- The live catalog's products (active, not deleted) by an index: the product page asks whether
-- the mirror has any (a search, not a scan, however many archived products it keeps), and the
-- catalog rebuild reads them in name order without sorting.
CREATE INDEX stripe_products_live ON stripe_products (active, deleted, name, id);
