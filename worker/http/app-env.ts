import type { Env } from '../platform/env';
import type { RecentEvents } from '../platform/recent-events';
import type { SellerHooks } from '../seller-hooks';

/** What the app is built with: the seller's hooks, the clock; tests replace parts of it. */
export interface Dependencies extends SellerHooks {
  now: () => number;
  /** Events this isolate has already seen through; one per app. */
  recentEvents: RecentEvents;
}

export interface AppEnv {
  Bindings: Env;
  Variables: { deps: Dependencies };
}
