// @ts-check
// The steps of `npm run launch`, in order. Each finds what exists, changes only what is
// missing or wrong, says what it did (or in a dry run, what it would do), and returns whether
// it changed anything. A step that cannot go on throws a StepError naming why and the fix.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { paymentLinkOptions, putCatalogInStripe } from '../lib/catalog-in-stripe.mjs';
import { writeCatalog } from '../lib/catalog-file.mjs';
import { formatChecks, runDoctor } from '../lib/doctor.mjs';
import { writeEnvFile } from '../lib/env-file.mjs';
import { launchTokenFile } from '../lib/launch-files.mjs';
import { ensureWebhookEndpoint } from '../lib/webhook-endpoint.mjs';
import { PLACEHOLDER_IDS, readWranglerConfig, setBindingField } from '../lib/wrangler-config.mjs';
import { firstError } from './wrangler.mjs';

export class StepError extends Error {
  /**
   * @param {string} message why the step stopped
   * @param {string} fix what to do before resuming
   */
  constructor(message, fix) {
    super(message);
    this.fix = fix;
  }
}

/**
 * @typedef {{
 *   root: string, configPath: string, catalogPath: string,
 *   mode: 'test' | 'live', dryRun: boolean, force: boolean, siteUrl: string,
 *   config: any, wrangler: import('./wrangler.mjs').Wrangler,
 *   stripe: import('stripe').Stripe | null,
 *   workerStripeKey: string | null,
 *   contract: { HANDLED_EVENT_TYPES: readonly string[], STRIPE_API_VERSION: string },
 *   say: (line: string) => void,
 *   offline: boolean,
 *   secrets: Set<string> | null,
 *   syncToken: string | null,
 *   state: { deploys?: Record<string, { hash: string, at: string }> },
 *   saveState: () => Promise<void>,
 *   adminAuth: () => import('../lib/admin-auth.mjs').AdminAuth | { error: string },
 * }} Context
 */

/** The JSON in a command's output (wrangler may print a line or two around it). */
function jsonIn(text, open) {
  const start = text.indexOf(open);
  const end = text.lastIndexOf(open === '[' ? ']' : '}');
  if (start < 0 || end < start) throw new Error(`expected JSON in wrangler's output, got: ${text.trim().slice(0, 200)}`);
  return JSON.parse(text.slice(start, end + 1));
}

const NOT_FOUND = /does not exist|not found|NoSuchKey|NoSuchBucket|\[code: 10006\]|\[code: 10007\]/i;

/** @param {Context} ctx */
async function secretNames(ctx) {
  if (ctx.secrets) return ctx.secrets;
  const result = await ctx.wrangler.call(['secret', 'list', '--format', 'json']);
  if (result.code === 0) ctx.secrets = new Set(jsonIn(result.stdout, '[').map((secret) => secret.name));
  else if (/Worker ".*" not found|\[code: 10007\]/i.test(result.stderr + result.stdout)) ctx.secrets = new Set();
  else throw new StepError(`wrangler secret list failed: ${firstError(result.stderr + result.stdout)}`, 'check the login (npx wrangler whoami) and the worker name in wrangler.toml');
  return ctx.secrets;
}

/** @param {Context} ctx @param {string} name @param {string} value */
async function putSecret(ctx, name, value) {
  await ctx.wrangler.run(['secret', 'put', name], { input: value });
  (await secretNames(ctx)).add(name);
}

// ── 1. the Cloudflare account ──

/** @param {Context} ctx */
async function account(ctx) {
  const result = await ctx.wrangler.call(['whoami', '--json']);
  let info = null;
  try {
    info = jsonIn(result.stdout, '{');
  } catch {
    // not JSON: wrangler failed before it could say
  }
  if (result.code !== 0 || !info?.loggedIn) {
    const why = info?.loggedIn === false ? 'wrangler is not logged in to Cloudflare' : `wrangler whoami failed: ${firstError(result.stderr + result.stdout)}`;
    const fix = 'npx wrangler login (or, for CI, set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID)';
    if (!ctx.dryRun) throw new StepError(why, fix);
    ctx.offline = true;
    ctx.say(`✗ ${why}: ${fix}. The plan below assumes nothing exists on the account yet.`);
    return false;
  }
  const accounts = info.accounts ?? [];
  const chosen = process.env.CLOUDFLARE_ACCOUNT_ID?.trim() || ctx.config.account_id;
  if (accounts.length > 1 && !chosen) {
    throw new StepError(
      `this login sees ${accounts.length} accounts (${accounts.map((a) => `${a.name} ${a.id}`).join(', ')}) and wrangler would have to ask which`,
      'set CLOUDFLARE_ACCOUNT_ID=<id> (or account_id in wrangler.toml) and run again',
    );
  }
  const using = accounts.find((a) => a.id === chosen) ?? accounts[0];
  ctx.say(`logged in as ${info.email ?? info.authType}; account ${using ? `${using.name} (${using.id})` : chosen}`);
  ctx.say('plan: Workers Free is enough to start (100,000 requests and 10,000 queue operations a day); Workers Paid lifts the limits. R2 must be enabled once in the dashboard (R2 → its free tier asks for a payment method).');
  return false;
}

// ── 2. D1, KV, the queues, R2 ──

/** @param {Context} ctx */
async function resources(ctx) {
  const { config, wrangler, say, dryRun } = ctx;
  const d1 = config.d1_databases.find((binding) => binding.binding === 'DB');
  const kv = config.kv_namespaces.find((binding) => binding.binding === 'CATALOG');
  const r2 = config.r2_buckets.find((binding) => binding.binding === 'FILES');
  if (!d1 || !kv || !r2) throw new StepError('wrangler.toml lacks the DB, CATALOG or FILES binding', 'restore them from the repository’s wrangler.toml');
  const queues = [...new Set([...config.queues.producers.map((p) => p.queue), ...config.queues.consumers.flatMap((c) => [c.queue, c.dead_letter_queue].filter(Boolean))])];
  const kvTitle = `${config.name}-CATALOG`;
  if (ctx.offline) {
    say(`would find or create D1 database ${d1.database_name}, KV namespace ${kvTitle}, queue${queues.length > 1 ? 's' : ''} ${queues.join(' and ')}, R2 bucket ${r2.bucket_name}`);
    say('would write the D1 database_id and the KV id into wrangler.toml');
    return true;
  }
  const would = (text) => (dryRun ? `would ${text}` : text);
  let text = await readFile(ctx.configPath, 'utf8');
  let changed = false;

  // D1: by name.
  const listDatabases = async () => jsonIn(await wrangler.run(['d1', 'list', '--json']), '[');
  let database = (await listDatabases()).find((db) => db.name === d1.database_name);
  if (database) say(`D1 ${d1.database_name}: there (${database.uuid})`);
  else {
    if (!dryRun) {
      await wrangler.run(['d1', 'create', d1.database_name]);
      database = (await listDatabases()).find((db) => db.name === d1.database_name);
      if (!database) throw new StepError(`wrangler d1 create ${d1.database_name} succeeded but d1 list does not show it`, 'run again in a minute');
    }
    say(would(`create D1 ${d1.database_name}${database ? ` (${database.uuid})` : ''}`));
    changed = true;
  }
  if (database && d1.database_id !== database.uuid) {
    text = setBindingField(text, 'd1_databases', 'DB', 'database_id', database.uuid);
    say(would(`write database_id = "${database.uuid}" into wrangler.toml${PLACEHOLDER_IDS.has(d1.database_id) ? '' : ` (it said ${d1.database_id})`}`));
    changed = true;
  }

  // KV: the id wrangler.toml names if the account has it, else by title.
  const listNamespaces = async () => jsonIn(await wrangler.run(['kv', 'namespace', 'list']), '[');
  const namespaces = await listNamespaces();
  let namespace = namespaces.find((ns) => ns.id === kv.id) ?? namespaces.find((ns) => ns.title === kvTitle);
  if (namespace) say(`KV ${namespace.title}: there (${namespace.id})`);
  else {
    if (!dryRun) {
      await wrangler.run(['kv', 'namespace', 'create', kvTitle]);
      namespace = (await listNamespaces()).find((ns) => ns.title === kvTitle);
      if (!namespace) throw new StepError(`wrangler kv namespace create ${kvTitle} succeeded but the list does not show it`, 'run again in a minute');
    }
    say(would(`create KV namespace ${kvTitle}${namespace ? ` (${namespace.id})` : ''}`));
    changed = true;
  }
  if (namespace && kv.id !== namespace.id) {
    text = setBindingField(text, 'kv_namespaces', 'CATALOG', 'id', namespace.id);
    say(would(`write the CATALOG id = "${namespace.id}" into wrangler.toml`));
    changed = true;
  }

  // Queues (the outbox and its dead-letter queue) and the bucket: by name.
  for (const queue of queues) {
    const info = await wrangler.call(['queues', 'info', queue]);
    if (info.code === 0) say(`queue ${queue}: there`);
    else if (NOT_FOUND.test(info.stderr + info.stdout)) {
      if (!dryRun) await wrangler.run(['queues', 'create', queue]);
      say(would(`create queue ${queue}`));
      changed = true;
    } else throw new StepError(`wrangler queues info ${queue} failed: ${firstError(info.stderr + info.stdout)}`, 'check the login (npx wrangler whoami)');
  }
  const bucket = await wrangler.call(['r2', 'bucket', 'info', r2.bucket_name]);
  if (bucket.code === 0) say(`R2 bucket ${r2.bucket_name}: there`);
  else if (NOT_FOUND.test(bucket.stderr + bucket.stdout)) {
    if (!dryRun) {
      const created = await wrangler.call(['r2', 'bucket', 'create', r2.bucket_name]);
      if (created.code !== 0) {
        const why = firstError(created.stderr + created.stdout);
        throw new StepError(
          `wrangler r2 bucket create ${r2.bucket_name} failed: ${why}`,
          /10042|enable R2/i.test(why) ? 'enable R2 once in the Cloudflare dashboard (R2 Object Storage; the free tier asks for a payment method)' : 'check the login (npx wrangler whoami)',
        );
      }
    }
    say(would(`create R2 bucket ${r2.bucket_name} (private: no public access, no custom domain)`));
    changed = true;
  } else {
    const why = firstError(bucket.stderr + bucket.stdout);
    throw new StepError(`wrangler r2 bucket info ${r2.bucket_name} failed: ${why}`, /10042|enable R2/i.test(why) ? 'enable R2 once in the Cloudflare dashboard (R2 Object Storage)' : 'check the login (npx wrangler whoami)');
  }

  if (!dryRun && text !== (await readFile(ctx.configPath, 'utf8'))) {
    await writeFile(ctx.configPath, text);
    ctx.config = await readWranglerConfig(ctx.configPath);
  }
  return changed;
}

// ── 3. the migrations ──

/** @param {Context} ctx */
async function migrations(ctx) {
  const all = (await readdir(path.join(ctx.root, 'migrations'))).filter((name) => name.endsWith('.sql')).sort();
  if (ctx.offline) {
    ctx.say(`would apply the migrations D1 has not had (there are ${all.length}: ${all[0]} … ${all.at(-1)})`);
    return true;
  }
  const listed = await ctx.wrangler.call(['d1', 'migrations', 'list', 'DB', '--remote']);
  if (listed.code !== 0) {
    if (ctx.dryRun) {
      ctx.say(`would apply every migration not yet applied (could not list them: ${firstError(listed.stderr + listed.stdout)})`);
      return true;
    }
    throw new StepError(`wrangler d1 migrations list DB --remote failed: ${firstError(listed.stderr + listed.stdout)}`, 'check the D1 database (the resources step)');
  }
  if (/No migrations to apply/i.test(listed.stdout)) {
    ctx.say(`all ${all.length} migrations applied`);
    return false;
  }
  const pending = [...new Set([...listed.stdout.matchAll(/(\d{4}_[\w.-]+\.sql)/g)].map((match) => match[1]))];
  if (!ctx.dryRun) await ctx.wrangler.run(['d1', 'migrations', 'apply', 'DB', '--remote']);
  ctx.say(`${ctx.dryRun ? 'would apply' : 'applied'} ${pending.length}: ${pending.join(', ')}`);
  return true;
}

// ── 4. the files the catalog names ──

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** @param {Context} ctx */
async function files(ctx) {
  const original = await readFile(ctx.catalogPath, 'utf8');
  const catalog = JSON.parse(original);
  const bucket = ctx.config.r2_buckets.find((binding) => binding.binding === 'FILES')?.bucket_name;
  /** @type {Map<string, { product: string, name: string, contentType?: string, entries: any[] }>} */
  const byKey = new Map();
  for (const product of catalog.products.filter((p) => p.digital)) {
    for (const file of [...(product.files ?? []), ...(product.periodFiles ?? [])]) {
      const known = byKey.get(file.key);
      if (known) known.entries.push(file);
      else byKey.set(file.key, { product: product.id, name: file.key.split('/').pop(), contentType: file.contentType, entries: [file] });
    }
  }
  if (byKey.size === 0) {
    ctx.say('the catalog names no files');
    return false;
  }
  let changed = false;
  for (const [key, { product, name, contentType, entries }] of byKey) {
    const source = path.join(ctx.root, 'catalog', 'files', name);
    const local = existsSync(source) ? await readFile(source) : null;
    if (ctx.offline) {
      ctx.say(local ? `would upload catalog/files/${name} → ${bucket}/${key} (${local.length} bytes) unless R2 holds it unchanged` : `✗ no catalog/files/${name} for ${key}: put the file there first`);
      changed = true;
      continue;
    }
    const got = await ctx.wrangler.call(['r2', 'object', 'get', `${bucket}/${key}`, '--pipe', '--remote'], { quiet: true });
    const remote = got.code === 0 ? got.bytes : NOT_FOUND.test(got.stderr) || ctx.dryRun ? null : undefined;
    if (remote === undefined) throw new StepError(`reading ${bucket}/${key} failed: ${firstError(got.stderr)}`, 'check the R2 bucket (the resources step)');
    let size;
    if (local) {
      size = local.length;
      if (remote && sha256(remote) === sha256(local)) ctx.say(`${key}: in R2, the same as catalog/files/${name} (${size} bytes)`);
      else {
        if (!ctx.dryRun) await ctx.wrangler.run(['r2', 'object', 'put', `${bucket}/${key}`, '--file', source, ...(contentType ? ['--content-type', contentType] : []), '--remote']);
        ctx.say(`${ctx.dryRun ? 'would upload' : 'uploaded'} catalog/files/${name} → ${bucket}/${key} (${size} bytes${remote ? ', replacing a different file' : ''})`);
        changed = true;
      }
    } else if (remote) {
      size = remote.length;
      ctx.say(`${key}: in R2 (${size} bytes); no catalog/files/${name} here to compare`);
    } else {
      throw new StepError(`${product}'s file ${key} is neither at catalog/files/${name} nor in R2`, `put the file at catalog/files/${name}`);
    }
    for (const entry of entries) {
      if (entry.size !== size) {
        entry.size = size;
        changed = true;
      }
    }
  }
  if (!ctx.dryRun) {
    const written = await writeCatalog(ctx.catalogPath, catalog, original);
    if (written !== original) ctx.say('wrote the files’ sizes into catalog.json (the doctor checks R2 holds them)');
  }
  return changed;
}

// ── 5. the catalog in Stripe ──

/** @param {Context} ctx */
async function stripeCatalog(ctx) {
  if (!ctx.stripe) {
    const catalog = JSON.parse(await readFile(ctx.catalogPath, 'utf8'));
    ctx.say(`would create or update in Stripe ${ctx.mode} mode, matched by metadata.catalog_id, a Product, Price and Payment Link (returning to ${ctx.siteUrl}/success) for each of: ${catalog.products.map((p) => p.id).join(', ')}, and write the links into catalog.json`);
    return true;
  }
  const result = await putCatalogInStripe({
    stripe: ctx.stripe,
    catalogPath: ctx.catalogPath,
    mode: ctx.mode,
    shopUrl: ctx.siteUrl,
    reseed: ctx.force,
    linkOptions: (entry, catalog) => paymentLinkOptions(entry, ctx.config.vars ?? {}, catalog.shipping),
    log: ctx.say,
    dryRun: ctx.dryRun,
  });
  if (result.skipped.length) ctx.say(`kept ${result.skipped.length} change(s) made in Stripe since the catalog was launched (listed above); npm run launch -- --force puts the catalog's values back`);
  if (result.changedFile) ctx.say('wrote the Payment Links and Stripe ids into catalog.json');
  return result.counts.created + result.counts.updated > 0 || result.changedFile;
}

// ── 6. the webhook endpoint ──

/** @param {Context} ctx */
async function webhook(ctx) {
  const { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } = ctx.contract;
  const url = `${ctx.siteUrl}/webhooks/stripe`;
  if (!ctx.stripe) {
    ctx.say(`would create the endpoint for ${url} with exactly the ${HANDLED_EVENT_TYPES.length} handled event types (${HANDLED_EVENT_TYPES.join(', ')}) on API ${STRIPE_API_VERSION}, and store its signing secret as STRIPE_WEBHOOK_SECRET`);
    return true;
  }
  const secretStored = ctx.offline ? false : (await secretNames(ctx)).has('STRIPE_WEBHOOK_SECRET');
  const outcome = await ensureWebhookEndpoint({
    stripe: ctx.stripe,
    url,
    events: HANDLED_EVENT_TYPES,
    apiVersion: STRIPE_API_VERSION,
    secretStored,
    storeSecret: (secret) => putSecret(ctx, 'STRIPE_WEBHOOK_SECRET', secret),
    dryRun: ctx.dryRun,
  });
  for (const line of outcome.lines) ctx.say(line);
  return outcome.changed;
}

// ── 7. the worker's other secrets ──

/** @param {Context} ctx */
async function secrets(ctx) {
  const catalog = JSON.parse(await readFile(ctx.catalogPath, 'utf8'));
  const needsDownloads = catalog.products.some((p) => p.digital && (p.files ?? []).length > 0);
  const vars = ctx.config.vars ?? {};
  /** @type {[string, () => string, string][]} name, value, what it is */
  const wanted = [];
  if (needsDownloads) wanted.push(['DOWNLOAD_SIGNING_SECRET', () => randomBytes(48).toString('base64url'), 'generated, 64 characters']);
  const behindAccess = Boolean(vars.ACCESS_TEAM_DOMAIN && vars.ACCESS_AUD);
  let generatedToken = null;
  if (!behindAccess) {
    wanted.push([
      'SYNC_TOKEN',
      () => {
        generatedToken = randomBytes(32).toString('base64url');
        return generatedToken;
      },
      'generated; the back office asks for it once per tab',
    ]);
  }
  if (ctx.workerStripeKey || ctx.dryRun) wanted.push(['STRIPE_SECRET_KEY', () => /** @type {string} */ (ctx.workerStripeKey), 'the key the cart, the live catalog and refunds use']);
  if (ctx.offline) {
    for (const [name, , what] of wanted) ctx.say(`would store ${name} if the worker lacks it (${what})`);
    return true;
  }
  const present = await secretNames(ctx);
  let changed = false;
  for (const [name, value, what] of wanted) {
    if (present.has(name)) {
      ctx.say(`${name}: set (its value stays where it is)`);
      continue;
    }
    if (!ctx.dryRun) await putSecret(ctx, name, value());
    ctx.say(`${ctx.dryRun ? 'would store' : 'stored'} ${name} (${what})`);
    changed = true;
  }
  if (behindAccess) ctx.say('Cloudflare Access guards the back office (ACCESS_TEAM_DOMAIN, ACCESS_AUD): no SYNC_TOKEN; tools send a service token');
  if (generatedToken) {
    const file = await launchTokenFile(ctx.root);
    await writeEnvFile(file, { SYNC_TOKEN: generatedToken }, `The SYNC_TOKEN npm run launch stored in the worker (${ctx.siteUrl}). Keep it secret; the doctor and stripe:sync read it from here or from SYNC_TOKEN.`);
    ctx.syncToken = generatedToken;
    ctx.say(`SYNC_TOKEN saved in ${path.relative(ctx.root, file)} (git-ignored, readable by you only): the back office asks for it once per tab`);
  }
  return changed;
}

// ── 8. build and deploy ──

/** Everything a deploy is made of: a second launch with the same inputs deploys nothing. */
async function buildHash(root, configPath) {
  const hash = createHash('sha256');
  const walk = async (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        hash.update(path.relative(root, full));
        hash.update(await readFile(full));
      }
    }
  };
  for (const dir of ['dist', 'worker', 'contract', 'catalog']) await walk(path.join(root, dir));
  for (const file of [configPath, path.join(root, 'package-lock.json')]) if (existsSync(file)) hash.update(await readFile(file));
  return hash.digest('hex');
}

function build(ctx) {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '--silent'], {
      cwd: ctx.root,
      env: { ...process.env, SITE_URL: ctx.siteUrl, VITE_STRIPE_MODE: ctx.mode },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(undefined) : reject(new StepError(`the build failed (exit ${code}): ${output.trim().split('\n').slice(-8).join(' | ')}`, 'fix the build (npm run build shows it)'))));
  });
}

/** @param {Context} ctx */
async function deploy(ctx) {
  const key = `${ctx.mode} ${ctx.siteUrl}`;
  if (ctx.dryRun) {
    ctx.say(`would build the site with SITE_URL=${ctx.siteUrl} VITE_STRIPE_MODE=${ctx.mode} and run wrangler deploy (skipped when the build is the one last deployed)`);
    return true;
  }
  ctx.say(`$ SITE_URL=${ctx.siteUrl} VITE_STRIPE_MODE=${ctx.mode} npm run build`);
  await build(ctx);
  const hash = await buildHash(ctx.root, ctx.configPath);
  const last = ctx.state.deploys?.[key];
  if (last?.hash === hash && !ctx.force) {
    ctx.say(`the build is the one deployed ${last.at}: nothing to deploy`);
    return false;
  }
  const output = await ctx.wrangler.run(['deploy']);
  const urls = [...new Set(output.match(/https:\/\/[^\s]+/g) ?? [])];
  ctx.say(`deployed${urls.length ? `: ${urls.join(', ')}` : ''}`);
  const host = new URL(ctx.siteUrl).hostname;
  if (!host.endsWith('.workers.dev') && !['127.0.0.1', 'localhost'].includes(host) && !ctx.config.routes?.length && !ctx.config.route) {
    ctx.say(`note: ${host} must point at this worker: add routes = [{ pattern = "${host}", custom_domain = true }] to wrangler.toml (or Workers → Settings → Domains)`);
  }
  ctx.state.deploys = { ...(ctx.state.deploys ?? {}), [key]: { hash, at: new Date().toISOString() } };
  await ctx.saveState();
  return true;
}

// ── 9. the doctor ──

/** @param {Context} ctx */
async function doctor(ctx) {
  if (ctx.dryRun) {
    ctx.say(`would run npm run doctor -- --remote ${ctx.siteUrl}: the webhook endpoint, secrets, bindings, files, the catalog in Stripe, the back office's door, deliveries`);
    return false;
  }
  const checks = await runDoctor({
    shopUrl: ctx.siteUrl,
    auth: ctx.adminAuth(),
    stripe: ctx.stripe,
    mode: ctx.mode,
    catalogPath: ctx.catalogPath,
    startHint: 'deploy it: npm run launch -- --from deploy',
  });
  for (const line of formatChecks(checks)) ctx.say(line);
  const reds = checks.filter((check) => !check.ok);
  if (reds.length) throw new StepError(`the doctor found ${reds.length} red check(s) of ${checks.length}`, `each red line above says its fix; then npm run doctor -- --remote ${ctx.siteUrl}`);
  ctx.say(`all ${checks.length} checks green`);
  return false;
}

/** @type {{ name: string, title: string, run: (ctx: Context) => Promise<boolean> }[]} */
export const STEPS = [
  { name: 'account', title: 'the Cloudflare account (wrangler whoami)', run: account },
  { name: 'resources', title: 'D1, KV, the queues and R2, their ids in wrangler.toml', run: resources },
  { name: 'migrations', title: 'the D1 migrations', run: migrations },
  { name: 'files', title: 'the files the catalog names, in R2', run: files },
  { name: 'stripe', title: 'the catalog in Stripe: products, prices, Payment Links', run: stripeCatalog },
  { name: 'webhook', title: 'the webhook endpoint and its signing secret', run: webhook },
  { name: 'secrets', title: 'the worker’s secrets', run: secrets },
  { name: 'deploy', title: 'build and deploy', run: deploy },
  { name: 'doctor', title: 'the doctor', run: doctor },
];
