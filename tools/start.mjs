#!/usr/bin/env node
// @ts-check
// npm start — the whole shop on this machine, offline: .dev.vars, the site build, the local D1
// migrations, the sample files in local R2, then the local Stripe (tools/local-stripe/) seeded
// with the catalog, the worker (`wrangler dev`) pointed at it, and the worker's mirror
// backfilled through its own sync endpoint. One Ctrl-C stops everything; so does any failure.
// It shows one line per step (a step's full output only when it fails), then the worker's logs.
//
// With a STRIPE_SECRET_KEY in .dev.vars the local Stripe is not started: the worker talks to
// Stripe's test mode with that key (see the README, "The local Stripe").
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePort, takenPortMessage } from './start/ports.mjs';
import { migrationsSummary, wranglerOutputFilter } from './start/quiet.mjs';
import { killGroupNow, reconcileEvery, stopGroup, sweepOutboxEvery, waitForShop } from './start/worker.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
/** The local Stripe's key: any sk_test_… works with it, and it is nobody's secret. */
const LOCAL_STRIPE_KEY = 'sk_test_local_stripe_not_a_secret';
const LOCAL_PUBLISHABLE_KEY = 'pk_test_LocalStripeNotASecret';
const QUIET_WRANGLER = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' };

const HELP = `Usage: npm start [-- options]

  --port <n>          the shop (worker and site) on 127.0.0.1:<n> (default: PORT, or 8787)
  --stripe-port <n>   the local Stripe and its dashboard on 127.0.0.1:<n> (default: LOCAL_STRIPE_PORT, or 12111)
  --chaos             the local Stripe delivers some webhooks twice and out of order
  --reseed            put the catalog's names and prices back over what was changed in the
                      local Stripe's dashboard (kept otherwise: its objects survive a restart)
  --skip-build        reuse dist/ as it is
  -h, --help          this text
`;

/** Stops npm start before it started anything: one line, exit 1. @returns {never} */
function refuse(reason) {
  console.error(`npm start: ${reason}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      'stripe-port': { type: 'string', default: process.env.LOCAL_STRIPE_PORT ?? '12111' },
      chaos: { type: 'boolean', default: false },
      reseed: { type: 'boolean', default: false },
      'skip-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
} catch (error) {
  refuse(`${error instanceof Error ? error.message : String(error)} (npm start -- --help lists the options)`);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (positionals.length > 0) {
  // What `npm start --port 9000` passes: npm takes --port as its own setting (npm_config_port=true) and hands on the 9000.
  const option = process.env.npm_config_stripe_port === 'true' && process.env.npm_config_port !== 'true' ? '--stripe-port' : '--port';
  refuse(`unexpected argument "${positionals[0]}": npm keeps options given before "--" for itself, so write npm start -- ${option} ${positionals[0]}`);
}
let port = 0;
let stripePort = 0;
try {
  port = parsePort(values.port, values.port === process.env.PORT ? 'PORT' : '--port');
  stripePort = parsePort(values['stripe-port'], values['stripe-port'] === process.env.LOCAL_STRIPE_PORT ? 'LOCAL_STRIPE_PORT' : '--stripe-port');
} catch (error) {
  refuse(error instanceof Error ? error.message : String(error));
}
if (port === stripePort) refuse(`--port and --stripe-port are both ${port}: the shop and the local Stripe need a port each`);
const shopUrl = `http://127.0.0.1:${port}`;

/** The running local Stripe (tools/local-stripe/), when npm start runs one. @type {any} */
let localStripe = null;
/** wrangler dev, once started: its process group is stopped with npm start, however that ends. @type {import('node:child_process').ChildProcess | null} */
let worker = null;
/** @type {{ stop: () => void } | null} */
let sweeper = null;
/** @type {{ stop: () => void } | null} */
let reconciler = null;

/** @param {string} message */
const step = (message) => console.log(`▸ ${message}`);

let stopping = false;
/** Stops everything npm start started (the worker's whole process group, the local Stripe), then exits. */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  sweeper?.stop();
  reconciler?.stop();
  if (worker?.pid) await stopGroup(worker.pid);
  if (localStripe) await localStripe.close();
  process.exit(code);
}
/** A failure at any step: say what failed (once), stop what is running, exit 1. */
async function fail(message) {
  if (stopping) return new Promise(() => {}); // stop() is under way and exits
  console.error(`npm start: ${message}`);
  await stop(1);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));
// The last resort, for an exit nothing above saw coming (an uncaught error): no orphaned worker.
process.on('exit', () => {
  if (worker?.pid) killGroupNow(worker.pid);
});

/**
 * Runs a command to completion in the repo and resolves to its output, which is not shown
 * unless it fails: then it is printed and npm start stops. Asynchronous: the local Stripe it
 * may call runs in this process.
 */
async function run(command, args, env = {}) {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...QUIET_WRANGLER, ...env } });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.on('close', (status, signal) => resolve(status ?? signal)));
  if (code !== 0) {
    process.stderr.write(output.endsWith('\n') || output === '' ? output : `${output}\n`);
    await fail(`${commandLine(command, args)} failed (exit ${code}); its output is above`);
  }
  return output;
}

/** A command as a person would type it in the repo: node, wrangler and paths relative to it. */
function commandLine(command, args) {
  const word = (arg) => (arg === process.execPath ? 'node' : arg === WRANGLER ? 'wrangler' : path.isAbsolute(arg) ? path.relative(ROOT, arg) : arg);
  return [command, ...args].map(word).join(' ');
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

// 0: both ports free, before anything starts (the local Stripe's only when it runs)
const devVarsFile = path.join(ROOT, '.dev.vars');
const devVarsExample = path.join(ROOT, '.dev.vars.example');
const devVars = readDevVars(existsSync(devVarsFile) ? devVarsFile : devVarsExample);
const realStripe = Boolean(devVars.STRIPE_SECRET_KEY?.trim());
const taken = await takenPortMessage([
  { port, what: 'the shop', option: '--port', envVar: 'PORT' },
  ...(realStripe ? [] : [{ port: stripePort, what: 'the local Stripe', option: '--stripe-port', envVar: 'LOCAL_STRIPE_PORT' }]),
]);
if (taken) {
  console.error(taken);
  process.exit(1);
}

// 1–4: what the shop needs on disk
if (!existsSync(devVarsFile)) {
  step('.dev.vars from .dev.vars.example');
  copyFileSync(devVarsExample, devVarsFile);
}
if (!values['skip-build']) {
  step(`building the site for ${shopUrl} (vite build)`);
  // SITE_URL: canonical links, Open Graph and the sitemap name the origin this run serves.
  // With the local Stripe, embedded checkout loads its Stripe.js stand-in (and /cart's CSP allows that origin alone).
  // Warnings and errors only: the list of built files is not news at every start.
  await run('npm', ['run', 'build', '--silent', '--', '--logLevel', 'warn'], { SITE_URL: shopUrl, ...(realStripe ? {} : { VITE_LOCAL_STRIPE: `http://127.0.0.1:${stripePort}` }) });
}
step(migrationsSummary(await run(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local'])));
await run(process.execPath, [path.join(ROOT, 'tools', 'files.mjs'), 'seed']);
step('R2: the sample files in the local bucket, sample licence keys in the local pool');

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
  // Loaded here, not at the top: a start that stops at its port check needs none of Stripe's code.
  const [{ stripeEvents }, { stripeClient }, { ensureWebhookEndpoint }] = await Promise.all([
    import('./lib/contract.mjs'),
    import('./lib/stripe-client.mjs'),
    import('./lib/webhook-endpoint.mjs'),
  ]);
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
  // Every email goes to the local Stripe's mail catcher (Resend's API; GET <local Stripe>/mail), unless .dev.vars names a provider.
  if (!devVars.EMAIL_API_KEY?.trim()) {
    Object.assign(workerVars, { EMAIL_PROVIDER: 'resend', EMAIL_API_KEY: 're_local_mail_catcher', EMAIL_API_BASE: localStripe.url, EMAIL_FROM: 'Fieldwork Supply <orders@shop.localhost>' });
    step(`mail goes to the local catcher: ${localStripe.url}/mail`);
  }
}
// The links in emails point at the shop this run serves.
if (!devVars.SITE_URL?.trim()) workerVars.SITE_URL = shopUrl;
const syncToken = devVars.SYNC_TOKEN?.trim() || randomBytes(24).toString('base64url');
if (!devVars.SYNC_TOKEN?.trim()) workerVars.SYNC_TOKEN = syncToken;

step(`starting the worker on ${shopUrl} (wrangler dev)`);
const varArgs = Object.entries(workerVars).flatMap(([key, value]) => ['--var', `${key}:${value}`]);
// Its own process group (npm → node → workerd ×2), so one signal stops all of it.
worker = spawn(process.execPath, [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false', ...varArgs], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
  env: { ...process.env, ...QUIET_WRANGLER },
});
// The worker's own logs and wrangler's errors; not its banners and tables (tools/start/quiet.mjs).
const showWranglerLine = wranglerOutputFilter();
for (const [from, to] of /** @type {const} */ ([[worker.stdout, process.stdout], [worker.stderr, process.stderr]])) {
  if (from) createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => showWranglerLine(line) && to.write(`${line}\n`));
}
/** @type {string | null} */
let workerExit = null;
worker.on('exit', (code, signal) => {
  workerExit = `exit ${code ?? signal}`;
  if (!stopping) void fail(`wrangler dev stopped (${workerExit})`);
});

try {
  // Ours, not whatever else answers on the port: the shop's catalog API, while our wrangler dev runs.
  await waitForShop({ url: shopUrl, exited: () => workerExit });
  // Buy of a product without a Payment Link is a Checkout Session at its mirrored price: the
  // mirror must hold the catalog, from the local Stripe or the seller's test account alike.
  step('backfilling the worker’s Stripe mirror (npm run stripe:sync)');
  await run(process.execPath, [path.join(ROOT, 'tools', 'stripe-sync.mjs'), '--worker', shopUrl, '--restart'], { SYNC_TOKEN: syncToken, SYNC_PROGRESS: 'plain' });
} catch (error) {
  await fail(error instanceof Error ? error.message : String(error));
}
// wrangler dev runs no Cron Trigger: the outbox sweep it would run, now and every 30 s, so a
// delivery a crash left pending (its queue message died with the runtime) is still carried out.
const sweeping = sweepOutboxEvery({ url: shopUrl, token: syncToken, report: step });
sweeper = sweeping;
await sweeping.first;
// Nor the daily reconciliation with Stripe: hourly here, in the background.
reconciler = reconcileEvery({ url: shopUrl, token: syncToken, report: step });

console.log(`
  The shop:            ${shopUrl}
  ${localStripe ? `The local Stripe:    ${localStripe.url}   (its dashboard: payments, refunds, disputes, products, subscriptions, events)` : `Stripe:              test mode (forward webhooks: stripe listen --forward-to ${shopUrl}/webhooks/stripe)`}
  The back office:     ${shopUrl}/admin/   (its token: ${syncToken})
  Ctrl-C stops everything.
`);
