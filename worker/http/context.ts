import type { Context as HonoContext } from 'hono';
import type { Context } from '../platform/context';
import type { SellerHooks } from '../seller-hooks';
import type { AppEnv, Dependencies } from './app-env';

/** What the domain needs from a request: bindings, the clock, waitUntil, and the seller's hooks. */
export function handlerContext<E extends AppEnv>(c: HonoContext<E>): Context & SellerHooks {
  const deps: Dependencies = c.var.deps;
  return { ...deps, db: c.env.DB, env: c.env, waitUntil: (promise) => c.executionCtx.waitUntil(promise) };
}
