// What the domain works with: the context a request or a queue message gives it, and the
// effects it computes for the caller to commit in one batch.
import type { Dependencies } from './dependencies';
import type { Env } from './env';

export interface HandlerContext extends Dependencies {
  db: D1Database;
  env: Env;
  /** Work that may finish after the response (cache refreshes). */
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * What an event's handling commits: its writes, the outbox rows for side effects
 * after the commit (inserts that return the new row's id), and what it decided
 * worth telling the seller (kept in the ledger).
 */
export interface Effects {
  writes: D1PreparedStatement[];
  outbox?: D1PreparedStatement[];
  note?: string;
}
