#!/usr/bin/env node
// @ts-check
// npm run launch — the shop from this repository to a Cloudflare account and a Stripe account,
// every step that going live takes, each idempotent: the account, D1/KV/queues/R2 and their ids
// in wrangler.toml, the migrations, the catalog's files in R2, the catalog in Stripe (products,
// prices, Payment Links), the webhook endpoint and its secret, the worker's secrets, build and
// deploy, then the doctor. Test mode unless --live; --dry-run changes nothing. A second run
// changes nothing and says so; a failure names its step, why, and the command to resume from it.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ADMIN_AUTH_HELP, AdminAuthError, adminAuth } from './lib/admin-auth.mjs';
import { catalogShipping, stripeEvents } from './lib/contract.mjs';
import { readEnvFile } from './lib/env-file.mjs';
import { launchStateFile, launchTokenFile } from './lib/launch-files.mjs';
import { checkKey, KeyError, stripeClient, stripeFailure } from './lib/stripe-client.mjs';
import { readWranglerConfig } from './lib/wrangler-config.mjs';
import { STEPS, StepError } from './launch/steps.mjs';
import { WranglerError, wranglerRunner } from './launch/wrangler.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STEP_NAMES = STEPS.map((step) => step.name);

const HELP = `Usage: npm run launch -- [options]

Puts the shop on your Cloudflare account and wires it to Stripe, step by step:
${STEPS.map((step, index) => `  ${index + 1}. ${step.name.padEnd(10)} ${step.title}`).join('\n')}
Each step changes only what is missing or wrong; a second run changes nothing.

Options:
  --url <SITE_URL>    the shop's address, e.g. https://shop.example (default: $SITE_URL)
  --live              live mode: a live Stripe key, real money (default: test mode)
  --dry-run           print the plan, change nothing
  --force             put the catalog's names, prices and link options back over what was
                      changed in Stripe's dashboard (kept and listed otherwise), and deploy
                      even an unchanged build
  --from <step>       resume from this step (${STEP_NAMES.join(', ')})
  -h, --help          this text

Environment:
  STRIPE_SECRET_KEY         the key launch uses: sk_test_… (or sk_live_… with --live); it needs
                            write access to Products, Prices, Payment Links and Webhook Endpoints
  WORKER_STRIPE_SECRET_KEY  optional: a restricted key for the worker instead (see docs/going-live.md)
  STRIPE_API_BASE           Stripe's API origin (default https://api.stripe.com)
  CLOUDFLARE_ACCOUNT_ID     when your login sees several accounts
  CLOUDFLARE_API_TOKEN      instead of wrangler login (CI)
  For the doctor at the end (default: the SYNC_TOKEN launch generated):
${ADMIN_AUTH_HELP}
`;

class UsageError extends Error {}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        live: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        force: { type: 'boolean' },
        from: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.from !== undefined && !STEP_NAMES.includes(values.from)) throw new UsageError(`--from takes one of ${STEP_NAMES.join(', ')}, not ${values.from}`);
  return {
    help: Boolean(values.help),
    mode: /** @type {'test' | 'live'} */ (values.live ? 'live' : 'test'),
    dryRun: Boolean(values['dry-run']),
    force: Boolean(values.force),
    from: values.from ?? STEP_NAMES[0],
    url: (values.url ?? process.env.SITE_URL ?? '').trim().replace(/\/+$/, ''),
  };
}

/** What must hold before anything is changed; in a dry run, listed instead. */
async function preflight(options, config, catalog) {
  const problems = [];
  let siteUrl = options.url;
  if (!siteUrl) problems.push('no SITE_URL: give the shop’s address with --url https://shop.example (or SITE_URL); a workers.dev address works');
  else {
    let url;
    try {
      url = new URL(siteUrl);
    } catch {
      problems.push(`SITE_URL is not a URL: ${siteUrl}`);
    }
    if (url) {
      const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
      if (url.pathname !== '/' || url.search) problems.push(`SITE_URL is the shop's origin, without a path: ${url.origin}`);
      if (url.protocol !== 'https:' && !(options.mode === 'test' && local)) problems.push(`SITE_URL must be https (Stripe sends webhooks and buyers only to https): ${siteUrl}`);
      siteUrl = url.origin;
    }
  }
  // The build refuses the same (site/build/storefront.ts): a physical product needs the catalog's shipping countries.
  problems.push(...(await catalogShipping()).shippingProblems(catalog));
  return { problems, siteUrl: siteUrl || '<SITE_URL>' };
}

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const configPath = path.join(ROOT, 'wrangler.toml');
  const catalogPath = path.join(ROOT, 'catalog', 'catalog.json');
  const config = await readWranglerConfig(configPath);
  const catalog = JSON.parse(await readFile(catalogPath, 'utf8'));
  const { problems, siteUrl } = await preflight(options, config, catalog);
  let stripeKey = null;
  try {
    stripeKey = checkKey(process.env.STRIPE_SECRET_KEY, options.mode, 'npm run launch');
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    problems.push(error.message);
  }
  const resume = (step) => `npm run launch -- --from ${step}${options.mode === 'live' ? ' --live' : ''}${options.url && !process.env.SITE_URL ? ` --url ${siteUrl}` : ''}`;

  console.log(`${options.dryRun ? 'Plan for' : 'Launching'} ${config.name} in ${options.mode} mode at ${siteUrl}${options.from !== STEP_NAMES[0] ? `, from the ${options.from} step` : ''}`);
  if (problems.length) {
    if (!options.dryRun) {
      for (const problem of problems) console.error(`✗ ${problem}`);
      console.error('Nothing was changed.');
      return 2;
    }
    console.log('Needed before launching:');
    for (const problem of problems) console.log(`  ✗ ${problem}`);
  }

  const apiBase = process.env.STRIPE_API_BASE?.trim() || 'https://api.stripe.com';
  const stripe = stripeKey ? stripeClient(stripeKey, apiBase, 'edge-storefront launch') : null;
  const stateFile = launchStateFile(ROOT);
  const state = existsSync(stateFile) ? JSON.parse(await readFile(stateFile, 'utf8')) : {};
  const tokenFile = await launchTokenFile(ROOT);
  /** @type {import('./launch/steps.mjs').Context} */
  const ctx = {
    root: ROOT,
    configPath,
    catalogPath,
    mode: options.mode,
    dryRun: options.dryRun,
    force: options.force,
    siteUrl,
    config,
    wrangler: wranglerRunner({ root: ROOT, echo: (line) => console.log(`    ${line}`) }),
    stripe,
    workerStripeKey: process.env.WORKER_STRIPE_SECRET_KEY?.trim() || stripeKey,
    contract: await stripeEvents(),
    say: (line) => console.log(`  ${line}`),
    offline: false,
    secrets: null,
    syncToken: null,
    state,
    saveState: async () => {
      await mkdir(path.dirname(stateFile), { recursive: true });
      await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
    },
    adminAuth: () => {
      try {
        return adminAuth(process.env, { SYNC_TOKEN: ctx.syncToken ?? readEnvFile(tokenFile).SYNC_TOKEN });
      } catch (error) {
        if (error instanceof AdminAuthError) return { error: error.message };
        throw error;
      }
    },
  };

  const first = STEP_NAMES.indexOf(options.from ?? 'account');
  const changedSteps = [];
  for (const [index, step] of STEPS.entries()) {
    if (index < first) continue;
    console.log(`\n▸ ${index + 1}/${STEPS.length} ${step.name}: ${step.title}`);
    try {
      if (await step.run(ctx)) changedSteps.push(step.name);
      else console.log('  (nothing to change)');
    } catch (error) {
      const failure = explain(error);
      if (options.dryRun) {
        console.log(`  ✗ would stop here: ${failure.why}\n    fix: ${failure.fix}`);
        continue;
      }
      console.error(`\n✗ launch stopped at step ${index + 1}, ${step.name}: ${failure.why}`);
      console.error(`  fix: ${failure.fix}`);
      console.error(`  then resume: ${resume(step.name)}`);
      return 1;
    }
  }
  if (options.dryRun) {
    console.log(`\nDry run: nothing was changed.${changedSteps.length ? ` These steps would change something: ${changedSteps.join(', ')}.` : ' Everything is in place.'}`);
  } else {
    console.log(changedSteps.length ? `\nLaunched: ${changedSteps.join(', ')} changed. ${siteUrl} is live in ${options.mode} mode.` : '\nNothing changed: everything was already in place.');
  }
  return 0;
}

/** Why a step stopped and what to do, from whatever it threw. */
function explain(error) {
  if (error instanceof StepError) return { why: error.message, fix: error.fix };
  if (error instanceof WranglerError) return { why: error.message, fix: 'wrangler’s error above says why; check the login with npx wrangler whoami' };
  const stripe = stripeFailure(error);
  if (stripe) return { why: stripe, fix: 'check STRIPE_SECRET_KEY and its permissions (Products, Prices, Payment Links, Webhook Endpoints: write)' };
  return { why: error instanceof Error ? (error.stack ?? error.message) : String(error), fix: 'see the error above' };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof UsageError ? `launch: ${error.message}\n\n${HELP}` : `launch failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
