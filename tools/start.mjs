#!/usr/bin/env node
// @ts-check
// npm start — the whole shop on this machine, offline: .dev.vars, the site build, the local D1
// migrations, the sample files in local R2, then the local Stripe (tools/local-stripe/) seeded
// with the catalog, the worker (`wrangler dev`) pointed at it, and the worker's mirror
// backfilled through its own sync endpoint. One Ctrl-C stops everything.
//
// With a STRIPE_SECRET_KEY in .dev.vars the local Stripe is not started: the worker talks to
// Stripe's test mode with that key (see the README, "The local Stripe").
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stripeEvents } from './lib/contract.mjs';
import { stripeClient } from './lib/stripe-client.mjs';
import { ensureWebhookEndpoint } from './lib/webhook-endpoint.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
/** The local Stripe's key: any sk_test_… works with it, and it is nobody's secret. */
const LOCAL_STRIPE_KEY = 'sk_test_local_stripe_not_a_secret';
const LOCAL_PUBLISHABLE_KEY = 'pk_test_LocalStripeNotASecret';
const QUIET_WRANGLER = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' };

const HELP = `Usage: npm start [-- options]

  --port <n>          the shop (worker and site) on 127.0.0.1:<n> (default 8787)
  --stripe-port <n>   the local Stripe and its dashboard on 127.0.0.1:<n> (default 12111)
  --chaos             the local Stripe delivers some webhooks twice and out of order
  --reseed            put the catalog's names and prices back over what was changed in the
                      local Stripe's dashboard (kept otherwise: its objects survive a restart)
  --skip-build        reuse dist/ as it is
  -h, --help          this text
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    'stripe-port': { type: 'string', default: process.env.LOCAL_STRIPE_PORT ?? '12111' },
    chaos: { type: 'boolean', default: false },
    reseed: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const port = Number(values.port);
const stripePort = Number(values['stripe-port']);
const shopUrl = `http://127.0.0.1:${port}`;

/** The running local Stripe (tools/local-stripe/), when npm start runs one. @type {any} */
let localStripe = null;

/** @param {string} message */
const step = (message) => console.log(`\n▸ ${message}`);

/**
 * Runs a command to completion in the repo, its output shown; stops npm start if it fails.
 * Asynchronous: the local Stripe it may call runs in this process.
 */
async function run(command, args, env = {}) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...QUIET_WRANGLER, ...env } });
  const code = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? signal)));
  if (code !== 0) {
    console.error(`npm start: ${[command, ...args].join(' ')} failed (exit ${code})`);
    if (localStripe) await localStripe.close();
    process.exit(1);
  }
}

/** KEY=value lines of a .dev.vars file (comments and blank lines skipped, quotes removed). */
function readDevVars(file) {
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined) vars[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

async function waitForWorker(child) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode})`);
    try {
      await fetch(`${shopUrl}/api/catalog`, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`the worker did not answer on ${shopUrl} within 3 minutes`);
}

// 1–4: what the shop needs on disk
const devVarsFile = path.join(ROOT, '.dev.vars');
if (!existsSync(devVarsFile)) {
  step('.dev.vars from .dev.vars.example');
  copyFileSync(path.join(ROOT, '.dev.vars.example'), devVarsFile);
}
const devVars = readDevVars(devVarsFile);
const realStripe = Boolean(devVars.STRIPE_SECRET_KEY?.trim());
if (!values['skip-build']) {
  step('building the site (vite build)');
  // With the local Stripe, embedded checkout loads its Stripe.js stand-in (and /cart's CSP allows that origin alone).
  await run('npm', ['run', 'build', '--silent'], realStripe ? {} : { VITE_LOCAL_STRIPE: `http://127.0.0.1:${stripePort}` });
}
step('applying the D1 migrations to the local database');
await run(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local']);
step('the sample files into the local R2 bucket');
await run(process.execPath, [path.join(ROOT, 'tools', 'files.mjs'), 'seed']);

const workerVars = {};
if (realStripe) {
  step(`STRIPE_SECRET_KEY is set in .dev.vars: using Stripe's test mode, no local Stripe`);
} else {
  step(`starting the local Stripe on 127.0.0.1:${stripePort}${values.chaos ? ' (chaos: duplicated, reordered webhooks)' : ''}`);
  // Node 20 runs no TypeScript; Vite (already here for the site) loads the local Stripe's modules.
  const { runnerImport } = await import('vite');
  const { module } = await runnerImport(path.join(ROOT, 'tools', 'local-stripe', 'index.ts'), { configFile: false, logLevel: 'error', root: ROOT });
  localStripe = await module.startLocalStripe({ port: stripePort, chaos: values.chaos, statePath: path.join(ROOT, '.wrangler', 'local-stripe', 'state.json') });

  step('seeding the local Stripe with the catalog (npm run stripe:seed, against it)');
  // The seed writes the Payment Links it made into the catalog it reads: a copy, so the
  // repository's catalog keeps no local URLs.
  const scratch = mkdtempSync(path.join(tmpdir(), 'local-stripe-seed-'));
  const catalogCopy = path.join(scratch, 'catalog.json');
  copyFileSync(path.join(ROOT, 'catalog', 'catalog.json'), catalogCopy);
  await run(process.execPath, [path.join(ROOT, 'tools', 'stripe-seed.mjs'), '--catalog', catalogCopy, '--shop-url', shopUrl, ...(values.reseed ? ['--reseed'] : [])], {
    STRIPE_SECRET_KEY: LOCAL_STRIPE_KEY,
    STRIPE_API_BASE: localStripe.url,
  });
  rmSync(scratch, { recursive: true, force: true });

  step('the shop’s webhook endpoint in the local Stripe (made through its API, as npm run launch makes it on Stripe)');
  const { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } = await stripeEvents();
  let endpointSecret = '';
  await ensureWebhookEndpoint({
    stripe: stripeClient(LOCAL_STRIPE_KEY, localStripe.url, 'edge-storefront start'),
    url: `${shopUrl}/webhooks/stripe`,
    events: HANDLED_EVENT_TYPES,
    apiVersion: STRIPE_API_VERSION,
    // Its secret is shown only when it is made: each start makes a fresh one, replacing the last.
    secretStored: false,
    storeSecret: async (secret) => {
      endpointSecret = secret;
    },
  });
  // .dev.vars' own secrets stay accepted after it (one from `stripe listen`, say).
  workerVars.STRIPE_WEBHOOK_SECRET = [endpointSecret, ...(devVars.STRIPE_WEBHOOK_SECRET ?? '').split(',').map((s) => s.trim())].filter(Boolean).join(',');
  // Passed as vars for this run only, never written into .dev.vars.
  // The publishable key only matters with CHECKOUT_MODE=embedded (wrangler.toml), which then works offline too.
  Object.assign(workerVars, { STRIPE_SECRET_KEY: LOCAL_STRIPE_KEY, STRIPE_API_BASE: localStripe.url, STRIPE_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY });
}
const syncToken = devVars.SYNC_TOKEN?.trim() || randomBytes(24).toString('base64url');
if (!devVars.SYNC_TOKEN?.trim()) workerVars.SYNC_TOKEN = syncToken;

step(`starting the worker on ${shopUrl} (wrangler dev)`);
const varArgs = Object.entries(workerVars).flatMap(([key, value]) => ['--var', `${key}:${value}`]);
// Its own process group (npm → node → workerd ×2), so one signal stops all of it.
const worker = spawn(process.execPath, [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', String(port), ...varArgs], {
  cwd: ROOT,
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, ...QUIET_WRANGLER },
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (worker.exitCode === null && worker.pid) {
    try {
      process.kill(-worker.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (localStripe) await localStripe.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
worker.on('exit', (code) => void stop(stopping ? 0 : (code ?? 1)));

try {
  await waitForWorker(worker);
  if (localStripe) {
    step('backfilling the worker’s Stripe mirror (npm run stripe:sync)');
    await run(process.execPath, [path.join(ROOT, 'tools', 'stripe-sync.mjs'), '--worker', shopUrl, '--restart'], { SYNC_TOKEN: syncToken, SYNC_PROGRESS: 'plain' });
  }
} catch (error) {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

console.log(`
  The shop:            ${shopUrl}
  ${localStripe ? `The local Stripe:    ${localStripe.url}   (its dashboard: payments, refunds, disputes, products, subscriptions, events)` : `Stripe:              test mode (forward webhooks: stripe listen --forward-to ${shopUrl}/webhooks/stripe)`}
  Ctrl-C stops everything.
`);
