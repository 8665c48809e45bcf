-- The naive durable peer's tables, as a tutorial creates them
-- (`wrangler d1 execute DB --file schema.sql`): the events it has seen and the orders.
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  email TEXT,
  amount_total INTEGER,
  currency TEXT,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
