// Starts the shared worker once for the browser tests: `wrangler dev` with the real
// wrangler.toml and the built dist/, on a free loopback port, with a fresh local D1 (see
// ./worker.ts). It has the local checkout stand-in (/dev/checkout) and no Stripe key, so the
// shop runs on Buy links alone. Test files that need a worker talking to the fake Stripe API
// start their own (./live-shop.ts).
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_PATH, DOWNLOAD_SECRET, WEBHOOK_SECRET } from './constants';
import { distIsBuilt, startWorker } from './worker';

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

  const worker = await startWorker({
    vars: { DEV_CHECKOUT: 'true', STRIPE_MODE: 'test', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, DOWNLOAD_SIGNING_SECRET: DOWNLOAD_SECRET },
    logName: 'worker.log',
  });
  vitest.provide('baseUrl', worker.baseUrl);
  return () => worker.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
