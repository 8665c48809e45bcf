// npm run launch and npm run doctor, end to end and offline: a copy of the repository, a
// recording stand-in for `wrangler` first on PATH (its deploy serves the real worker with
// `wrangler dev`), and the local Stripe. The real files of this repository are never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } from '../../contract/stripe-events';
import { startLocalStripe, type LocalStripe } from '../../tools/local-stripe/index';
import { localStripeClient } from './support/local-stripe';
import { closedPort, ROOT, runCli, type CliResult } from './run-cli';

const LAUNCH_TIMEOUT = 240_000;
const KEY = 'sk_test_launch_end_to_end';

let repo: string;
let standIn: string;
let bin: string;
let local: LocalStripe;
let stripe: Stripe;
let siteUrl: string;
let port: number;

/** The repository as a fresh clone has it (tracked and new files; no .dev.vars, dist or .wrangler), node_modules linked. */
function copyRepository(): string {
  const target = mkdtempSync(path.join(tmpdir(), 'launch-repo-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(target, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(target, 'node_modules'));
  return target;
}

const env = (extra: Record<string, string> = {}) => ({
  PATH: `${bin}${path.delimiter}${process.env.PATH}`,
  WRANGLER_STAND_IN_DIR: standIn,
  WRANGLER_STAND_IN_REAL: path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
  WRANGLER_STAND_IN_PORT: String(port),
  WRANGLER_STAND_IN_VARS: JSON.stringify({ STRIPE_API_BASE: local.url }),
  STRIPE_SECRET_KEY: KEY,
  STRIPE_API_BASE: local.url,
  SITE_URL: siteUrl,
  ...extra,
});

const launch = (args: string[] = [], extra: Record<string, string> = {}) => runCli(path.join(repo, 'tools', 'launch.mjs'), args, env(extra), LAUNCH_TIMEOUT);
const doctor = (args: string[] = ['--remote', siteUrl], extra: Record<string, string> = {}) => runCli(path.join(repo, 'tools', 'doctor.mjs'), args, env({ STRIPE_SECRET_KEY: '', ...extra }), 60_000);
/** The stand-in, as the tests' own hand on the account (delete a secret, stop the worker). */
const wrangler = (...args: string[]) => spawnSync(path.join(bin, 'wrangler'), args, { cwd: repo, env: { ...process.env, ...env() }, encoding: 'utf8' });

const calls = () =>
  readFileSync(path.join(standIn, 'calls.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { args: string[] }).args.join(' '));
const standInState = () => JSON.parse(readFileSync(path.join(standIn, 'state.json'), 'utf8')) as { secrets: Record<string, string>; d1: { uuid: string }[]; kv: { id: string }[] };
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');
const catalog = () => JSON.parse(read('catalog/catalog.json')) as { products: { id: string; paymentLinks: { test: { id: string | null; url: string | null } }; stripe?: { productId: string; priceId: string }; files?: { key: string; size?: number }[] }[] };
const WRITES = /^(d1 create|kv namespace create|queues create|r2 bucket create|d1 migrations apply|r2 object put|secret put|deploy)/;

let dryRun: CliResult;
let first: CliResult;
let callsOfFirst: string[];
let pristine: { toml: string; catalog: string };

beforeAll(async () => {
  repo = copyRepository();
  standIn = mkdtempSync(path.join(tmpdir(), 'launch-wrangler-'));
  bin = mkdtempSync(path.join(tmpdir(), 'launch-bin-'));
  writeFileSync(path.join(bin, 'wrangler'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'test/tools/support/wrangler-stand-in.mjs')}" "$@"\n`);
  chmodSync(path.join(bin, 'wrangler'), 0o755);
  pristine = { toml: read('wrangler.toml'), catalog: read('catalog/catalog.json') };
  local = await startLocalStripe({ log: false, webhookRetryDelaysMs: [] });
  stripe = localStripeClient(local.url, 'sk_test_seller');
  port = await closedPort();
  siteUrl = `http://127.0.0.1:${port}`;

  dryRun = await launch(['--dry-run']);
  first = await launch();
  writeFileSync(path.join(standIn, 'first-launch.log'), `${dryRun.stdout}\n${dryRun.stderr}\n----\n${first.stdout}\n${first.stderr}`);
  callsOfFirst = calls().slice(calls().indexOf('whoami --json', 1));
}, 2 * LAUNCH_TIMEOUT);

afterAll(async () => {
  wrangler('stop');
  await local?.close();
  // LAUNCH_TEST_KEEP=1 keeps the copy, the stand-in's state and calls, and the launches' output.
  if (process.env.LAUNCH_TEST_KEEP) console.warn(`kept ${repo} ${standIn}`);
  else for (const dir of [repo, standIn, bin]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run launch -- --dry-run', () => {
  it('prints a plan for every step and changes nothing: no write command, no Stripe object, the files as they were', () => {
    expect(dryRun.code, dryRun.stderr).toBe(0);
    const steps = ['account', 'resources', 'migrations', 'files', 'stripe', 'webhook', 'secrets', 'deploy', 'doctor'];
    expect([...dryRun.stdout.matchAll(/^▸ \d\/9 (\w+):/gm)].map((match) => match[1])).toEqual(steps);
    expect(dryRun.stdout).toMatch(/would create D1 edge-storefront/);
    expect(dryRun.stdout).toMatch(/would upload catalog\/files\/field-notes-pattern-pack\.pdf/);
    expect(dryRun.stdout).toMatch(/would create an endpoint for http:\/\/127\.0\.0\.1:\d+\/webhooks\/stripe/);
    expect(dryRun.stdout).toContain('Dry run: nothing was changed.');
    const dryCalls = calls().slice(0, calls().indexOf('whoami --json', 1));
    expect(dryCalls.filter((call) => WRITES.test(call))).toEqual([]);
  });
});

describe('npm run launch, from a fresh copy of the repository', () => {
  it('finishes with the doctor all green', () => {
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(first.stdout).toMatch(/all \d+ checks green/);
    expect(first.stdout).not.toMatch(/^\s*✗/m);
  });

  it('runs wrangler in order: whoami; find or create D1, KV, the queues and their dead-letter queues, R2; migrations; files; secrets; deploy', () => {
    const files = ['field-notes/field-notes-pattern-pack.pdf', 'trail-map-print/trail-map-print.png', 'field-notes/field-notes-club-month-2.pdf', 'field-notes/field-notes-club-month-3.pdf'];
    expect(callsOfFirst).toEqual([
      'whoami --json',
      'd1 list --json',
      'd1 create edge-storefront',
      'd1 list --json',
      'kv namespace list',
      'kv namespace create edge-storefront-CATALOG',
      'kv namespace list',
      'queues info edge-storefront-outbox',
      'queues create edge-storefront-outbox',
      'queues info edge-storefront-events',
      'queues create edge-storefront-events',
      'queues info edge-storefront-outbox-dlq',
      'queues create edge-storefront-outbox-dlq',
      'queues info edge-storefront-events-dlq',
      'queues create edge-storefront-events-dlq',
      'r2 bucket info edge-storefront-files',
      'r2 bucket create edge-storefront-files',
      'd1 migrations list DB --remote',
      'd1 migrations apply DB --remote',
      ...files.flatMap((key) => [`r2 object get edge-storefront-files/${key} --pipe --remote`, expect.stringMatching(new RegExp(`^r2 object put edge-storefront-files/${key} --file .+ --content-type \\S+ --remote$`))]),
      'secret list --format json',
      'secret put STRIPE_WEBHOOK_SECRET',
      'secret put DOWNLOAD_SIGNING_SECRET',
      'secret put SYNC_TOKEN',
      'secret put STRIPE_SECRET_KEY',
      'deploy',
    ]);
  });

  it('writes the ids it created into wrangler.toml, and changes no other line', () => {
    const [database] = standInState().d1;
    const [namespace] = standInState().kv;
    const before = pristine.toml.split('\n');
    const after = read('wrangler.toml').split('\n');
    const changed = after.filter((line, index) => line !== before[index]);
    expect(changed).toEqual([`database_id = "${database!.uuid}"`, `id = "${namespace!.id}"`]);
  });

  it('writes each product’s test Payment Link and Stripe ids, and each file’s size, into catalog.json', () => {
    for (const product of catalog().products) {
      const link = local.get<Stripe.PaymentLink>(product.paymentLinks.test.id!);
      expect(link, product.id).toMatchObject({ active: true, metadata: { catalog_id: product.id }, after_completion: { redirect: { url: `${siteUrl}/success?session_id={CHECKOUT_SESSION_ID}` } } });
      expect(local.get<Stripe.Product>(product.stripe!.productId)?.metadata).toEqual({ catalog_id: product.id });
    }
    const mug = catalog().products.find((p) => p.id === 'enamel-mug')!;
    // The shop ships a mug: its Payment Link asks an address in the catalog's countries and offers its rates.
    const link = local.get<Stripe.PaymentLink>(mug.paymentLinks.test.id!)!;
    expect(link.shipping_address_collection).toEqual({ allowed_countries: ['US', 'CA', 'GB'] });
    expect(link.shipping_options.map((option) => option.shipping_amount)).toEqual([500, 1500]);
    const sizes = catalog().products.flatMap((p) => (p.files ?? []).map((file) => [file.key, file.size]));
    expect(sizes).toEqual(expect.arrayContaining([['field-notes/field-notes-pattern-pack.pdf', readFileSync(path.join(ROOT, 'catalog/files/field-notes-pattern-pack.pdf')).length]]));
  });

  it('creates one webhook endpoint for SITE_URL/webhooks/stripe with exactly the handled types and the pinned version; its secret is the worker’s', async () => {
    const endpoints = (await stripe.webhookEndpoints.list()).data;
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ url: `${siteUrl}/webhooks/stripe`, status: 'enabled', api_version: STRIPE_API_VERSION });
    expect([...endpoints[0]!.enabled_events].sort()).toEqual([...HANDLED_EVENT_TYPES].sort());
    // The worker verifies what this endpoint sends: an event made now arrives and is processed.
    await stripe.products.update(catalog().products[0]!.stripe!.productId, { metadata: { shelf: 'top' } });
    await local.flushWebhooks();
    expect(local.deliveries.at(-1)).toMatchObject({ type: 'product.updated', endpoint: endpoints[0]!.id, status: 200 });
  });

  it('stores generated DOWNLOAD_SIGNING_SECRET and SYNC_TOKEN and the Stripe key, printing no secret', () => {
    const secrets = standInState().secrets;
    expect(Object.keys(secrets).sort()).toEqual(['DOWNLOAD_SIGNING_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'SYNC_TOKEN']);
    expect(secrets.DOWNLOAD_SIGNING_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(secrets.STRIPE_SECRET_KEY).toBe(KEY);
    for (const value of Object.values(secrets)) expect(first.stdout + first.stderr).not.toContain(value);
    expect(read('.wrangler/launch/edge-storefront.env')).toContain(`SYNC_TOKEN=${secrets.SYNC_TOKEN}`);
  });

  it('a second run changes nothing and says so: no write command, the same files', async () => {
    const toml = read('wrangler.toml');
    const catalogText = read('catalog/catalog.json');
    const endpoints = (await stripe.webhookEndpoints.list()).data.map((e) => e.id);
    const before = calls().length;
    const second = await launch();
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(second.stdout).toContain('Nothing changed: everything was already in place.');
    expect(calls().slice(before).filter((call) => WRITES.test(call))).toEqual([]);
    expect(read('wrangler.toml')).toBe(toml);
    expect(read('catalog/catalog.json')).toBe(catalogText);
    expect((await stripe.webhookEndpoints.list()).data.map((e) => e.id)).toEqual(endpoints);
  }, LAUNCH_TIMEOUT);
});

describe('npm run doctor', () => {
  it('--remote: all green against the launched shop, one line per check, exit 0', async () => {
    const result = await doctor();
    expect(result.code, result.stdout).toBe(0);
    for (const title of ['Webhook endpoint enabled', 'Webhook endpoint subscribes to every handled event type', 'Webhook endpoint API version', 'Secret DOWNLOAD_SIGNING_SECRET', 'Binding FILES (R2)', 'File field-notes/field-notes-pattern-pack.pdf', 'enamel-mug in Stripe (test mode)', 'Back office behind Cloudflare Access or SYNC_TOKEN', 'Recent webhook deliveries succeeding']) {
      expect(result.stdout).toContain(`✓ ${title}`);
    }
  });

  it('without --remote: npm start’s shop at 127.0.0.1:$PORT, entered with .dev.vars’ SYNC_TOKEN', async () => {
    writeFileSync(path.join(repo, '.dev.vars'), `SYNC_TOKEN=${standInState().secrets.SYNC_TOKEN}\n`);
    try {
      const result = await doctor([], { PORT: String(port) });
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toContain(`npm start’s shop at http://127.0.0.1:${port}`);
    } finally {
      rmSync(path.join(repo, '.dev.vars'));
    }
  });

  /** Runs the doctor on a broken shop: it exits 1 and prints this red line and its fix. */
  async function expectRed(title: RegExp, fix: RegExp) {
    const result = await doctor();
    expect(result.code, result.stdout).toBe(1);
    const lines = result.stdout.split('\n');
    const at = lines.findIndex((line) => line.startsWith('✗') && title.test(line));
    expect(at, result.stdout).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toMatch(fix);
    return result;
  }

  it('a disabled webhook endpoint is red, with its fix', async () => {
    const [endpoint] = (await stripe.webhookEndpoints.list()).data;
    await stripe.webhookEndpoints.update(endpoint!.id, { disabled: true });
    try {
      await expectRed(/Webhook endpoint enabled — we_\w+ is disabled/, /fix: enable it in Stripe’s dashboard .* or npm run launch/);
    } finally {
      await stripe.webhookEndpoints.update(endpoint!.id, { disabled: false });
    }
  });

  it('a file deleted from R2 is red; the fix it names (launch --from files) makes it green', async () => {
    wrangler('stop');
    expect(wrangler('r2', 'object', 'delete', 'edge-storefront-files/trail-map-print/trail-map-print.png', '--remote').status).toBe(0);
    expect(wrangler('deploy').status).toBe(0);
    await expectRed(/File trail-map-print\/trail-map-print\.png — not in R2/, /fix: npm run launch -- --from files/);
    const fixed = await launch(['--from', 'files']);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect((await doctor()).code).toBe(0);
  }, LAUNCH_TIMEOUT);

  it('an unset secret is red, named, with its fix; launch --from secrets stores a new one', async () => {
    expect(wrangler('secret', 'delete', 'DOWNLOAD_SIGNING_SECRET').status).toBe(0);
    await expectRed(/Secret DOWNLOAD_SIGNING_SECRET — not set/, /fix: npm run launch stores it, or npx wrangler secret put DOWNLOAD_SIGNING_SECRET/);
    const fixed = await launch(['--from', 'secrets']);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
  }, LAUNCH_TIMEOUT);

  it('an archived product is red, with its fix', async () => {
    const mug = catalog().products.find((p) => p.id === 'enamel-mug')!;
    await stripe.products.update(mug.stripe!.productId, { active: false });
    try {
      await expectRed(/enamel-mug in Stripe \(test mode\) — prod_\w+ is archived in Stripe/, /fix: restore it in Stripe’s dashboard, or npm run launch -- --force/);
    } finally {
      await stripe.products.update(mug.stripe!.productId, { active: true });
    }
  });
});

describe('a launch that fails half-way', () => {
  it('stops at the failing step, says why and the command to resume; resuming from it finishes, redoing nothing before it', async () => {
    // Something for the webhook and secrets steps to redo: the endpoint gone, a secret gone.
    for (const endpoint of (await stripe.webhookEndpoints.list()).data) await stripe.webhookEndpoints.del(endpoint.id);
    expect(wrangler('secret', 'delete', 'DOWNLOAD_SIGNING_SECRET').status).toBe(0);
    const failing = await launch([], { WRANGLER_STAND_IN_FAIL: 'secret put DOWNLOAD_SIGNING_SECRET' });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('✗ launch stopped at step 7, secrets: wrangler secret put DOWNLOAD_SIGNING_SECRET failed (exit 1)');
    expect(failing.stderr).toContain('then resume: npm run launch -- --from secrets');
    expect((await stripe.webhookEndpoints.list()).data).toHaveLength(1);

    const before = calls().length;
    const resumed = await launch(['--from', 'secrets']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const resumedCalls = calls().slice(before);
    expect(resumedCalls[0]).toBe('secret list --format json');
    expect(resumedCalls).not.toContain('whoami --json');
    expect(resumedCalls).toContain('secret put DOWNLOAD_SIGNING_SECRET');
    expect(resumed.stdout).toMatch(/all \d+ checks green/);
  }, 2 * LAUNCH_TIMEOUT);
});

describe('npm run launch refuses before changing anything', () => {
  it.each([
    ['a live key without --live', [], { STRIPE_SECRET_KEY: 'sk_live_123' }, /Refusing a LIVE Stripe key/],
    ['a test key with --live', ['--live'], {}, /--live needs a LIVE key/],
    ['no SITE_URL', [], { SITE_URL: '' }, /no SITE_URL/],
    ['an http SITE_URL off this machine', [], { SITE_URL: 'http://shop.example' }, /SITE_URL must be https/],
  ])('%s: exit 2, no wrangler call', async (_name, args: string[], extra: Record<string, string>, message) => {
    const before = calls().length;
    const result = await launch(args, extra);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Nothing was changed.');
    expect(calls().length).toBe(before);
  });
});
