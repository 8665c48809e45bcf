import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../../../worker/platform/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** An empty database, for applying migrations step by step. */
      MIGRATION_DB: D1Database;
      CATALOG: KVNamespace;
      FAKE_STRIPE_URL: string;
      /** The stand-in Access team's origin (its keys at /cdn-cgi/access/certs). */
      ACCESS_TEAM_ORIGIN: string;
      /** Its private signing key, a JWK as JSON. */
      ACCESS_PRIVATE_JWK: string;
      /** wrangler.toml's [vars], as a deployed worker gets them. */
      PRODUCTION_VARS: Record<string, string>;
    }
  }
}
