#!/usr/bin/env node
// @ts-check
// npm run stripe:sync — backfills the worker's Stripe mirror by driving its protected
// admin endpoint one page at a time (the worker makes the Stripe calls; this tool
// never sees a Stripe key). Resumable: the cursor is saved after every page.
//
//   POST {worker}/api/admin/sync    { resource, startingAfter? } → { synced, hasMore, next }
//   POST {worker}/api/admin/replay  { startingAfter? }           → { replayed, skipped, hasMore, next }
//   Authorization: Bearer $SYNC_TOKEN, or behind Cloudflare Access a service token's headers
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_AUTH_HELP, AdminAuthError, adminAuth, refusalOf } from './lib/admin-auth.mjs';

const RESOURCES = ['products', 'prices', 'customers', 'subscriptions', 'payment_links'];
const DEFAULT_WORKER = 'http://127.0.0.1:8787';
const DEFAULT_STATE = path.join('.wrangler', 'stripe-sync-state.json');
const MAX_TRIES = 5;
const MAX_RETRY_AFTER_MS = 120_000;

const HELP = `Usage: npm run stripe:sync -- [options]

Backfills the worker's mirror of Stripe objects, one page (≤ 100 objects) per request
to the worker's POST /api/admin/sync, resource by resource. The worker does the Stripe
calls; this tool only needs a way into the back office: the worker's SYNC_TOKEN, or behind
Cloudflare Access a service token.

Options:
  --worker <url>          the worker (default: ${DEFAULT_WORKER})
  --resources <list>      comma-separated, in order (default: ${RESOURCES.join(',')})
  --replay                then replay missed events of the last 30 days (POST /api/admin/replay)
  --state <path>          resume file (default: ${DEFAULT_STATE})
  --restart               ignore saved cursors and start from the beginning
  -h, --help              this text

Environment (SYNC_TOKEN, or the two CF_ACCESS_ variables):
${ADMIN_AUTH_HELP}
  SYNC_BACKOFF_MS         first back-off delay when rate-limited without Retry-After (default 1000, doubles)
  SYNC_TIMEOUT_MS         per-request timeout (default 120000)
  SYNC_PROGRESS           tty | plain (default: tty when stdout is a terminal)

Rate limits (429/503) are retried up to ${MAX_TRIES} times, honouring Retry-After. Interrupted or
failed runs save their place; run the same command again to resume.
Exit status: 0 done, 1 failed (run again to resume), 2 usage error, 130 interrupted.
`;

class UsageError extends Error {}
class SyncError extends Error {}

// ─── options ────────────────────────────────────────────────────────────────

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        worker: { type: 'string' },
        resources: { type: 'string' },
        replay: { type: 'boolean' },
        state: { type: 'string' },
        restart: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { help: true };

  const rawWorker = values.worker ?? DEFAULT_WORKER;
  let worker;
  try {
    worker = new URL(rawWorker);
    if (worker.protocol !== 'http:' && worker.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--worker must be an http(s) URL, not ${JSON.stringify(rawWorker)}`);
  }
  const workerUrl = `${worker.origin}${worker.pathname.replace(/\/+$/, '')}`;

  const resources = values.resources === undefined ? [...RESOURCES] : values.resources.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = resources.filter((r) => !RESOURCES.includes(r));
  if (unknown.length) throw new UsageError(`unknown resource${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (choose from ${RESOURCES.join(', ')})`);
  if (resources.length === 0 && !values.replay) throw new UsageError('--resources is empty: nothing to do');
  if (new Set(resources).size !== resources.length) throw new UsageError('--resources lists a resource twice');

  let auth;
  try {
    auth = adminAuth(process.env);
  } catch (error) {
    if (error instanceof AdminAuthError) throw new UsageError(error.message);
    throw error;
  }

  const backoffMs = numberFromEnv('SYNC_BACKOFF_MS', 1000);
  const timeoutMs = numberFromEnv('SYNC_TIMEOUT_MS', 120_000);
  const progress = process.env.SYNC_PROGRESS === 'tty' || process.env.SYNC_PROGRESS === 'plain' ? process.env.SYNC_PROGRESS : process.stdout.isTTY ? 'tty' : 'plain';

  return {
    help: false,
    workerUrl,
    resources,
    replay: Boolean(values.replay),
    statePath: path.resolve(values.state ?? DEFAULT_STATE),
    restart: Boolean(values.restart),
    auth,
    backoffMs,
    timeoutMs,
    progress,
  };
}

function numberFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`${name} must be a number of milliseconds ≥ 0`);
  return value;
}

// ─── state file ─────────────────────────────────────────────────────────────
// { "version": 1, "entries": { "<worker url> <resource>": { "startingAfter": "prod_…", "synced": 230, "done": false, "updatedAt": "…" } } }
// An entry exists only while a run is unfinished: a cursor for the resource in progress, `done`
// for resources an interrupted run already finished (skipped on resume). A finished run removes its entries.

class StateFile {
  constructor(file) {
    this.file = file;
    this.entries = {};
  }

  async load() {
    let text;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (caught) {
      const error = /** @type {NodeJS.ErrnoException} */ (caught);
      if (error.code === 'ENOENT') return this;
      throw new SyncError(`cannot read the state file ${this.file}: ${error.message}`);
    }
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed.entries === 'object' && parsed.entries !== null) this.entries = parsed.entries;
    } catch {
      throw new SyncError(`the state file ${this.file} is not valid JSON; delete it or pass --restart`);
    }
    return this;
  }

  static key(workerUrl, resource) {
    return `${workerUrl} ${resource}`;
  }

  get(workerUrl, resource) {
    return this.entries[StateFile.key(workerUrl, resource)];
  }

  async set(workerUrl, resource, entry) {
    this.entries[StateFile.key(workerUrl, resource)] = { ...entry, updatedAt: new Date().toISOString() };
    await this.save();
  }

  async clearWorker(workerUrl) {
    const prefix = `${workerUrl} `;
    let changed = false;
    for (const key of Object.keys(this.entries)) {
      if (key.startsWith(prefix)) {
        delete this.entries[key];
        changed = true;
      }
    }
    if (changed) await this.save();
  }

  async save() {
    if (Object.keys(this.entries).length === 0) {
      await rm(this.file, { force: true });
      return;
    }
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ version: 1, entries: this.entries }, null, 2)}\n`);
    await rename(tmp, this.file);
  }
}

// ─── progress ───────────────────────────────────────────────────────────────

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_WIDTH = 20;

/** One line per resource; on a terminal it redraws in place, otherwise it logs a line per page. */
class Progress {
  constructor(mode, stream = process.stdout) {
    this.mode = mode;
    this.stream = stream;
    this.label = '';
    this.pages = 0;
    this.text = '';
    this.note = '';
    this.frame = 0;
    this.timer = null;
  }

  start(label, text) {
    this.label = label;
    this.pages = 0;
    this.text = text;
    this.note = '';
    if (this.mode === 'tty') {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % SPINNER.length;
        this.draw();
      }, 100);
      this.timer.unref();
      this.draw();
    }
  }

  page(text, plainLine) {
    this.pages++;
    this.text = text;
    this.note = '';
    if (this.mode === 'tty') this.draw();
    else this.stream.write(`${this.label}: ${plainLine}\n`);
  }

  wait(note) {
    this.note = note;
    if (this.mode === 'tty') this.draw();
    else this.stream.write(`${this.label}: ${note}\n`);
  }

  info(line) {
    if (this.mode === 'tty') this.clearLine();
    this.stream.write(`${line}\n`);
    if (this.mode === 'tty' && this.timer) this.draw();
  }

  done(text) {
    this.stop();
    if (this.mode === 'tty') this.stream.write(`\r\x1b[2K${this.label} ▕${'█'.repeat(BAR_WIDTH)}▏ ${text} ✓\n`);
    else this.stream.write(`${this.label}: done, ${text}\n`);
  }

  fail() {
    this.stop();
    if (this.mode === 'tty') this.stream.write(`\r\x1b[2K${this.label} ▕${this.bar()}▏ ${this.text} ✗\n`);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Totals are unknown, so the bar grows a cell per page and wraps. */
  bar() {
    const filled = this.pages === 0 ? 0 : ((this.pages - 1) % BAR_WIDTH) + 1;
    return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  }

  draw() {
    this.stream.write(`\r\x1b[2K${this.label} ▕${this.bar()}▏ ${this.text} ${SPINNER[this.frame]}${this.note ? ` ${this.note}` : ''}`);
  }

  clearLine() {
    this.stream.write('\r\x1b[2K');
  }
}

// ─── HTTP with back-off ─────────────────────────────────────────────────────

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(header) {
  if (header === null || header === undefined || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(header);
  if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
  return null;
}

async function errorText(response) {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    const error = body?.error;
    if (typeof error === 'string') return error;
    if (error && typeof error.message === 'string') return error.message;
    if (typeof body?.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 500) || response.statusText || 'no details';
}

/** POSTs JSON to the worker; retries 429/503 and network failures with back-off, up to MAX_TRIES. */
async function call(options, route, payload, progress) {
  const url = `${options.workerUrl}${route}`;
  for (let attempt = 1; ; attempt++) {
    let response;
    let retryReason;
    let delay = null;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { ...options.auth.headers, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        // Access answers a request it does not let in with a redirect to its login page: a refusal, not a page to follow.
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (caught) {
      const error = /** @type {any} */ (caught);
      const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
      retryReason = error?.name === 'TimeoutError' ? `timed out after ${options.timeoutMs} ms` : `could not reach ${url} (${cause})`;
      if (attempt >= MAX_TRIES) {
        throw new SyncError(`${retryReason}; gave up after ${MAX_TRIES} tries. Is the worker running (npm start) and --worker right?`);
      }
    }
    if (response) {
      if (response.ok) {
        try {
          return await response.json();
        } catch {
          throw new SyncError(`${route} answered ${response.status} with something that is not JSON`);
        }
      }
      if (response.status === 429 || response.status === 503) {
        delay = retryAfterMs(response.headers.get('retry-after'));
        const detail = await errorText(response);
        retryReason = `${response.status === 429 ? 'rate-limited' : 'unavailable'} (${response.status}${detail ? `: ${detail}` : ''})`;
        if (attempt >= MAX_TRIES) {
          throw new SyncError(`the worker stayed ${retryReason} after ${MAX_TRIES} tries; wait a minute and run the same command again to resume`);
        }
      } else if (refusalOf(response, options.auth)) {
        throw new SyncError(`${refusalOf(response, options.auth)} (${await errorText(response)})`);
      } else {
        throw new SyncError(`${route} failed with ${response.status}: ${await errorText(response)}`);
      }
    }
    if (delay === null) delay = options.backoffMs * 2 ** (attempt - 1);
    progress.wait(`${retryReason}; retry ${attempt}/${MAX_TRIES - 1} in ${formatDelay(delay)}`);
    await sleep(delay);
  }
}

function formatDelay(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

function checkPage(body, route, counted) {
  const ok =
    body &&
    typeof body === 'object' &&
    counted.every((field) => Number.isInteger(body[field]) && body[field] >= 0) &&
    typeof body.hasMore === 'boolean' &&
    (body.next === null || body.next === undefined || typeof body.next === 'string');
  if (!ok) throw new SyncError(`${route} answered with an unexpected body: ${JSON.stringify(body).slice(0, 300)}`);
  if (body.hasMore && !body.next) throw new SyncError(`${route} said hasMore but gave no "next" cursor`);
  return body;
}

// ─── the run ────────────────────────────────────────────────────────────────

/** Pages through one resource (or the replay), saving the cursor after each page. */
async function runPaged(options, state, progress, spec) {
  const saved = options.restart ? undefined : state.get(options.workerUrl, spec.key);
  if (saved?.done) {
    progress.info(`${spec.key}: already finished by the interrupted run, skipping (--restart to redo)`);
    return;
  }
  let cursor = saved?.startingAfter ?? undefined;
  const totals = Object.fromEntries(spec.counted.map((field) => [field, 0]));
  const earlier = saved?.totals ?? {};
  if (cursor) progress.info(`${spec.key}: resuming after ${cursor}${earlier[spec.counted[0]] ? ` (${earlier[spec.counted[0]]} ${spec.counted[0]} before)` : ''}`);
  const seen = new Set(cursor ? [cursor] : []);
  progress.start(spec.key, spec.describe(totals));
  try {
    for (;;) {
      const body = checkPage(await call(options, spec.route, spec.payload(cursor), progress), spec.route, spec.counted);
      for (const field of spec.counted) totals[field] += body[field];
      const pageText = spec.counted.map((field) => `${body[field]} ${field}`).join(', ');
      if (!body.hasMore) {
        const all = Object.fromEntries(spec.counted.map((field) => [field, totals[field] + (earlier[field] ?? 0)]));
        const before = earlier[spec.counted[0]] ? ` (${earlier[spec.counted[0]]} in an earlier run)` : '';
        progress.done(`${spec.describe(all)}${before}`);
        return all;
      }
      if (seen.has(body.next)) throw new SyncError(`${spec.route} returned the cursor ${body.next} twice; stopping instead of looping`);
      seen.add(body.next);
      cursor = body.next;
      const cumulative = Object.fromEntries(spec.counted.map((field) => [field, totals[field] + (earlier[field] ?? 0)]));
      await state.set(options.workerUrl, spec.key, { startingAfter: cursor, totals: cumulative });
      progress.page(spec.describe(totals), `${pageText} (${spec.describe(totals)} so far), next after ${cursor}`);
    }
  } catch (error) {
    progress.fail();
    throw error;
  }
}

async function run(options) {
  const state = await new StateFile(options.statePath).load();
  if (options.restart) await state.clearWorker(options.workerUrl);
  const progress = new Progress(options.progress);
  const interrupt = () => {
    progress.stop();
    process.stdout.write('\n');
    process.stderr.write(`stripe:sync: interrupted; progress is saved in ${options.statePath} — run the same command to resume.\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  console.log(`Syncing ${[...options.resources, ...(options.replay ? ['replay'] : [])].join(', ')} through ${options.workerUrl}`);
  const specs = options.resources.map((resource) => ({
    key: resource,
    route: '/api/admin/sync',
    counted: ['synced'],
    payload: (startingAfter) => (startingAfter ? { resource, startingAfter } : { resource }),
    describe: (t) => `${t.synced} synced`,
  }));
  if (options.replay) {
    specs.push({
      key: 'replay',
      route: '/api/admin/replay',
      counted: ['replayed', 'skipped'],
      payload: (startingAfter) => (startingAfter ? { startingAfter } : {}),
      describe: (t) => `${t.replayed} replayed, ${t.skipped} skipped`,
    });
  }
  try {
    for (const [index, spec] of specs.entries()) {
      await runPaged(options, state, progress, spec);
      // Finished: keep a `done` mark only while later resources of this run remain.
      if (index < specs.length - 1) await state.set(options.workerUrl, spec.key, { done: true });
    }
    await state.clearWorker(options.workerUrl);
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
  console.log('Sync complete.');
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  await run(options);
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`stripe:sync: ${error.message}\nRun with --help for usage.\n`);
      process.exitCode = 2;
    } else if (error instanceof SyncError) {
      process.stderr.write(`stripe:sync failed: ${error.message}\nProgress so far is saved; run the same command again to resume.\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`stripe:sync failed: ${error?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
