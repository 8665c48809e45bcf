// Starts the shared shop once for the browser tests, as npm start runs it: the local Stripe
// (tools/local-stripe) in this process, the site built for it, and `wrangler dev` with the real
// wrangler.toml, a test key pointed at the local Stripe and a fresh local D1 (see ./shop.ts and
// ./worker.ts), the catalog seeded and mirrored. Buy without a Payment Link goes to the worker's
// checkout and on to the local Stripe's hosted checkout. Test files that need a shop of their
// own start one (./live-shop.ts).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_PATH } from './constants';
import { startShop } from './shop';
import { buildSiteForLocalStripe } from './site-build';
import { distIsBuilt } from './worker';

export default async function setup(vitest: TestProject): Promise<() => Promise<void>> {
  if (!distIsBuilt()) {
    throw new Error(
      'dist/index.html is missing: the browser tests serve the built site. Run `npx vite build` first (`npm test` does it before vitest).',
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    // npm test checks this first (tools/check-chromium.mjs); this catches a bare `vitest run`.
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium), or run npm test as root to have it installed.`);
  }

  let site: string | undefined;
  const removeSite = async () => {
    if (site) await rm(site, { recursive: true, force: true });
  };
  const shop = await startShop({
    site: async (localStripeUrl) => (site = await buildSiteForLocalStripe(localStripeUrl)),
    vars: { STRIPE_MODE: 'test' },
    logName: 'worker.log',
  }).catch(async (error: unknown) => {
    await removeSite();
    throw error;
  });
  vitest.provide('baseUrl', shop.worker.baseUrl);
  vitest.provide('localStripeUrl', shop.fake.url);
  return async () => {
    await shop.stop();
    await removeSite();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The shared shop's local Stripe, e.g. `http://127.0.0.1:41235`. */
    localStripeUrl: string;
  }
}
