#!/usr/bin/env node
// @ts-check
// npm run doctor — is the shop wired? One line per check (the webhook endpoint in Stripe,
// secrets, bindings, files in R2, the catalog in Stripe, the back office's door, recent
// deliveries), green or red with the fix; exit 1 on any red. Against npm start by default,
// --remote <SITE_URL> for a deployed shop. The same checks as the back office's Health page.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ADMIN_AUTH_HELP, AdminAuthError, adminAuth } from './lib/admin-auth.mjs';
import { formatChecks, runDoctor } from './lib/doctor.mjs';
import { readEnvFile } from './lib/env-file.mjs';
import { launchTokenFile } from './lib/launch-files.mjs';
import { stripeClient, stripeFailure } from './lib/stripe-client.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `Usage: npm run doctor [-- --remote <SITE_URL>]

Checks the shop's wiring, one line per check, red ones with their fix; exits 1 if any is red.

Options:
  --remote <url>     a deployed shop (default: the one npm start runs, http://127.0.0.1:$PORT or 8787)
  -h, --help         this text

Environment (SYNC_TOKEN, or the two CF_ACCESS_ variables; by default the token in .dev.vars,
or with --remote the one npm run launch saved in .wrangler/launch/):
${ADMIN_AUTH_HELP}
  STRIPE_SECRET_KEY        optional: the doctor then checks the webhook endpoint and the catalog
                           in Stripe itself where the worker's own key could not
  STRIPE_API_BASE          Stripe's API origin (default https://api.stripe.com)
`;

class UsageError extends Error {}

async function main(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { remote: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const remote = values.remote?.replace(/\/+$/, '');
  if (remote !== undefined && !/^https?:\/\/[^/]+$/.test(remote)) throw new UsageError(`--remote takes the shop's origin, e.g. https://shop.example, not ${values.remote}`);
  const shopUrl = remote ?? `http://127.0.0.1:${process.env.PORT ?? '8787'}`;
  const saved = remote ? readEnvFile(await launchTokenFile(ROOT)) : readEnvFile(path.join(ROOT, '.dev.vars'));
  let auth;
  try {
    auth = adminAuth(process.env, saved);
  } catch (error) {
    if (!(error instanceof AdminAuthError)) throw error;
    auth = { error: error.message };
  }
  const key = process.env.STRIPE_SECRET_KEY?.trim();
  const mode = key ? (/^(sk|rk)_live_/.test(key) ? 'live' : 'test') : null;
  const stripe = key ? stripeClient(key, process.env.STRIPE_API_BASE?.trim() || 'https://api.stripe.com', 'edge-storefront doctor') : null;
  console.log(`Checking ${remote ? 'the shop at' : 'npm start’s shop at'} ${shopUrl}${stripe ? ` (and Stripe ${mode} mode with STRIPE_SECRET_KEY)` : ''}`);
  const checks = await runDoctor({
    shopUrl,
    auth,
    stripe,
    mode,
    catalogPath: path.join(ROOT, 'catalog', 'catalog.json'),
    startHint: remote ? 'deploy it: npm run launch (or check the URL)' : 'start it: npm start',
  });
  for (const line of formatChecks(checks)) console.log(line);
  const reds = checks.filter((check) => !check.ok).length;
  console.log(reds ? `${reds} red of ${checks.length} checks.` : `All ${checks.length} checks green.`);
  return reds ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof UsageError) {
      console.error(`doctor: ${error.message}\n\n${HELP}`);
      process.exitCode = 2;
      return;
    }
    console.error(`doctor failed: ${stripeFailure(error) ?? (error instanceof Error ? error.message : String(error))}`);
    process.exitCode = 1;
  },
);
