#!/usr/bin/env node
// @ts-check
// wrangler.toml's [build] command. Wrangler runs it before `deploy` and `versions upload`, and
// also when `wrangler dev` and `wrangler types` start; it says which in WRANGLER_COMMAND.
//
// - deploy, versions upload: builds the site for production from the environment (SITE_URL,
//   VITE_STRIPE_MODE, WORKER_CHECKOUT, VITE_API_BASE) and refuses a build whose record
//   (dist/.storefront-build.json, written by site/build/build-record.ts) says it is for this
//   machine. VITE_STRIPE_MODE defaults to live here, the mode wrangler.toml's worker serves.
// - dev, types: dist/ stays as npm start or the tests built it (their own SITE_URL and local
//   Stripe), so starting the worker rebuilds nothing; it is built only when missing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
/** site/build/build-record.ts's BUILD_RECORD. */
const BUILD_RECORD = '.storefront-build.json';
const DEPLOYS = ['deploy', 'versions upload'];

/** `vite build` with the repo's config; false when it failed, after saying why in one message. */
async function viteBuild() {
  const { build } = await import('vite');
  try {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), configLoader: 'runner', logLevel: 'warn' });
    return true;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return false;
  }
}

/**
 * What the build in `dist` says of itself, from its record: refused when it lists reasons, or
 * when there is none (dist/ was not built by this project's vite.config.ts).
 * @param {string} dist
 * @returns {{ ok: true, siteUrl: string, stripeMode: string } | { ok: false, reasons: string[] }}
 */
function checkDeployable(dist) {
  const file = path.join(dist, BUILD_RECORD);
  if (!existsSync(file)) return { ok: false, reasons: [`dist/${BUILD_RECORD} is missing: dist/ was not built by this project's build.`] };
  /** @type {{ siteUrl?: unknown, stripeMode?: unknown, notForDeploy?: unknown }} */
  let record;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ok: false, reasons: [`dist/${BUILD_RECORD} is not JSON: rebuild the site.`] };
  }
  if (!Array.isArray(record.notForDeploy)) return { ok: false, reasons: [`dist/${BUILD_RECORD} has no notForDeploy list: rebuild the site.`] };
  if (record.notForDeploy.length > 0) return { ok: false, reasons: record.notForDeploy.map(String) };
  return { ok: true, siteUrl: String(record.siteUrl), stripeMode: String(record.stripeMode) };
}

async function deploy() {
  if (process.env.SKIP_SITE_BUILD === 'true') {
    console.log('SKIP_SITE_BUILD=true: dist/ is neither built nor checked (for a dry run that measures the worker alone).');
    return 0;
  }
  // As the build reads them: the environment first, then site/.env* files.
  const { loadEnv } = await import('vite');
  const settings = loadEnv('production', path.join(ROOT, 'site'), ['VITE_STRIPE_MODE', 'SITE_URL']);
  const mode = settings.VITE_STRIPE_MODE?.trim() || 'live';
  console.log(`Building the site for the shop: VITE_STRIPE_MODE=${mode}, SITE_URL=${settings.SITE_URL?.trim() || '(not set)'}`);
  process.env.VITE_STRIPE_MODE = mode;
  if (!(await viteBuild())) {
    console.error('The site did not build: nothing was deployed.');
    return 1;
  }
  const built = checkDeployable(DIST);
  if (!built.ok) {
    console.error(['Refusing to deploy: dist/ was built for this machine, not for the shop:', ...built.reasons.map((reason) => `  - ${reason}`), 'Nothing was deployed.'].join('\n'));
    return 1;
  }
  console.log(`The site is built for ${built.siteUrl} (${built.stripeMode} mode).`);
  return 0;
}

async function main() {
  const command = process.env.WRANGLER_COMMAND;
  if (command && DEPLOYS.includes(command)) return deploy();
  if (command === 'types') return 0;
  if (command === 'dev') {
    if (existsSync(path.join(DIST, 'index.html'))) return 0;
    console.log('dist/ is missing: building the site for this machine (npm run build).');
    return (await viteBuild()) ? 0 : 1;
  }
  console.error(
    `tools/wrangler-build.mjs is wrangler.toml's [build] command and needs WRANGLER_COMMAND (dev, deploy, versions upload or types), which wrangler sets; got ${JSON.stringify(command ?? null)}. ` +
      'Build the site with `npm run build`, deploy with `npx wrangler deploy`.',
  );
  return 1;
}

process.exitCode = await main();
