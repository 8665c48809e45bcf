// What the domain works with: the context a request or a queue message gives it.
import type { Dependencies } from '../http/app-env';
import type { Env } from './env';

export interface HandlerContext extends Dependencies {
  db: D1Database;
  env: Env;
  /** Work that may finish after the response (cache refreshes). */
  waitUntil: (promise: Promise<unknown>) => void;
}
