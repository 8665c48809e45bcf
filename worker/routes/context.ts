import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { HandlerContext } from '../events/registry';

/** What the domain needs from a request: bindings, hooks, the clock, and waitUntil. */
export function handlerContext(c: Context<AppEnv>): HandlerContext {
  return { ...c.var.deps, db: c.env.DB, env: c.env, waitUntil: (promise) => c.executionCtx.waitUntil(promise) };
}
