// The storefront's API: the routes the site calls, chained so that their type carries every
// path, parameter and response body. The site's client is `hc<Api>` (site/src/api.ts), so a
// renamed field here fails the site's typecheck. The site takes this type by project reference
// (worker/tsconfig.api.json): an editor reads it from source, `tsc -b site` from its declarations.
import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { catalogRoute } from './catalog';
import { checkout } from './checkout';
import { entitlements } from './entitlements';
import { orders } from './orders';
import { portal } from './portal';

export const api = new Hono<AppEnv>()
  .route('/orders', orders)
  .route('/entitlements', entitlements)
  .route('/catalog', catalogRoute)
  .route('/checkout', checkout)
  .route('/portal', portal);

export type Api = typeof api;
