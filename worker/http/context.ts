import type { Context } from 'hono';
import type { AppEnv } from './app-env';
import type { HandlerContext } from '../platform/context';

/** What the domain needs from a request: bindings, hooks, the clock, and waitUntil. */
export function handlerContext<E extends AppEnv>(c: Context<E>): HandlerContext {
  return { ...c.var.deps, db: c.env.DB, env: c.env, waitUntil: (promise) => c.executionCtx.waitUntil(promise) };
}
