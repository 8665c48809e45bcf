import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../../../worker/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** An empty database, for applying migrations step by step. */
      MIGRATION_DB: D1Database;
      CATALOG: KVNamespace;
      FAKE_STRIPE_URL: string;
      /** wrangler.toml's [vars], as a deployed worker gets them. */
      PRODUCTION_VARS: Record<string, string>;
    }
  }
}
