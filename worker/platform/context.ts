// What the domain works with: the context a request or a queue message gives it.
import type { Env } from './env';
import type { RecentEvents } from './recent-events';

export interface Context {
  db: D1Database;
  env: Env;
  now: () => number;
  /** Work that may finish after the response (queue sends, cache refreshes). */
  waitUntil: (promise: Promise<unknown>) => void;
  /** Events this isolate has already seen through; one per app. */
  recentEvents: RecentEvents;
}
