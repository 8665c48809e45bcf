import type { Env } from '../platform/env';
import type { DeliverHook, FulfilHook, RevokeHook } from '../hooks';
import type { RecentEvents } from '../platform/recent-events';

/** What the app is built with; tests replace parts of it. */
export interface Dependencies {
  fulfil: FulfilHook;
  deliver: DeliverHook;
  revoke: RevokeHook;
  now: () => number;
  /** Events this isolate has already seen through; one per app. */
  recentEvents: RecentEvents;
}

export interface AppEnv {
  Bindings: Env;
  Variables: { deps: Dependencies };
}
