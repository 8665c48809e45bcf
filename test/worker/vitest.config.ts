import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { unstable_readConfig } from 'wrangler';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Worker tests run inside workerd with the production wrangler.toml: real local
// D1, the numbered migrations applied by the setup file, as `wrangler d1
// migrations apply` would.
export default defineProject(async () => {
  const migrations = await readD1Migrations(path.join(root, 'migrations'));
  const production = unstable_readConfig({ config: path.join(root, 'wrangler.toml') });
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: path.join(root, 'wrangler.toml') },
        miniflare: {
          // The worker under test never serves assets here; avoid requiring a built dist/.
          assets: undefined,
          // A second, empty database for tests of the migrations themselves.
          d1Databases: { MIGRATION_DB: 'migration-test' },
          bindings: {
            TEST_MIGRATIONS: migrations,
            PRODUCTION_VARS: production.vars as Record<string, string>,
            // The suite's one fake Stripe API, on loopback (tools/local-stripe).
            FAKE_STRIPE_URL: inject('fakeStripeUrl'),
            // A stand-in Cloudflare Access team: its key endpoint and the private key (test/worker/support/access-team.ts).
            ACCESS_TEAM_ORIGIN: inject('accessTeam').origin,
            ACCESS_PRIVATE_JWK: inject('accessTeam').privateJwk,
          },
        },
      })),
    ],
    server: { fs: { allow: [root] } },
    // stripe's published sourcemaps point at files it does not ship: noise, not news.
    logLevel: 'error',
    test: {
      name: 'worker',
      root,
      include: ['test/worker/**/*.test.ts'],
      globalSetup: ['test/fake-stripe/global-setup.ts', 'test/worker/support/access-team.ts'],
      // One fake Stripe API serves every file; its 429 mode must not hit a neighbour's request.
      fileParallelism: false,
      setupFiles: ['test/worker/support/apply-migrations.ts'],
    },
  };
});
