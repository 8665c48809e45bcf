#!/usr/bin/env node
// A recording stand-in for `wrangler`, put first on PATH by the launch tests: the account-level
// commands (whoami, creating and listing D1/KV/queues/R2, secrets, deploy) answer from a state
// file as Cloudflare would, and every call is recorded; the data commands (D1 migrations, R2
// objects) run the real wrangler against the local state with --local instead of --remote. A
// deploy serves the worker with `wrangler dev` on WRANGLER_STAND_IN_PORT, with the secrets put,
// so that the doctor checks a real running worker. Nothing here reaches Cloudflare.
//
//   WRANGLER_STAND_IN_DIR    state.json, calls.jsonl and the served worker's log
//   WRANGLER_STAND_IN_REAL   the real wrangler (node_modules/wrangler/bin/wrangler.js)
//   WRANGLER_STAND_IN_PORT   where a deploy serves the worker
//   WRANGLER_STAND_IN_VARS   JSON: vars the served worker gets besides the secrets (STRIPE_API_BASE)
//   WRANGLER_STAND_IN_FAIL   a command prefix (`secret put DOWNLOAD_SIGNING_SECRET`) that fails once
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.WRANGLER_STAND_IN_DIR;
const real = process.env.WRANGLER_STAND_IN_REAL;
if (!dir || !real) {
  console.error('wrangler stand-in: WRANGLER_STAND_IN_DIR and WRANGLER_STAND_IN_REAL must be set');
  process.exit(2);
}
const stateFile = path.join(dir, 'state.json');
const args = process.argv.slice(2);
const command = args.join(' ');

const state = existsSync(stateFile)
  ? JSON.parse(readFileSync(stateFile, 'utf8'))
  : { loggedIn: true, accounts: [{ name: 'Fieldwork Supply', id: '0123456789abcdef0123456789abcdef' }], d1: [], kv: [], queues: [], buckets: [], secrets: {}, workers: [], failed: [], served: null };
const save = () => writeFileSync(stateFile, JSON.stringify(state, null, 2));
appendFileSync(path.join(dir, 'calls.jsonl'), `${JSON.stringify({ args, cwd: process.cwd() })}\n`);

const out = (text) => process.stdout.write(`${text}\n`);
const fail = (message) => {
  process.stderr.write(`✘ [ERROR] ${message}\n`);
  process.exit(1);
};
const positional = (index) => args.filter((arg) => !arg.startsWith('--'))[index];
const workerName = () => /^name\s*=\s*"([^"]+)"/m.exec(readFileSync(path.join(process.cwd(), 'wrangler.toml'), 'utf8'))?.[1] ?? 'worker';
const readStdin = () => {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
};

/** The real wrangler, on this machine's local state. */
function local() {
  const localArgs = args.map((arg) => (arg === '--remote' ? '--local' : arg));
  const result = spawnSync(process.execPath, [real, ...localArgs], { stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } });
  process.exit(result.status ?? 1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops the served worker's process group and waits until it is gone (its port free again). */
async function stopServed() {
  if (!state.served) return;
  const group = -state.served.pid;
  try {
    process.kill(group, 'SIGTERM');
    for (let waited = 0; waited < 15_000; waited += 100) {
      process.kill(group, 0); // throws once the group is gone
      await sleep(100);
    }
    process.kill(group, 'SIGKILL');
    for (let waited = 0; waited < 5_000; waited += 100) {
      process.kill(group, 0);
      await sleep(100);
    }
  } catch {
    // gone
  }
  state.served = null;
  save();
}

/** `wrangler dev` with the secrets as vars: what a deploy would run, on this machine. */
async function serve() {
  const port = process.env.WRANGLER_STAND_IN_PORT;
  if (!port) return;
  await stopServed();
  // The old worker may answer a moment after its group is told to stop (a loaded machine): wait
  // until the port is free, or the readiness check below would see the old one and return.
  for (let waited = 0; waited < 15_000; waited += 200) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      await sleep(200);
    } catch {
      break;
    }
  }
  const vars = { ...state.secrets, ...JSON.parse(process.env.WRANGLER_STAND_IN_VARS ?? '{}') };
  const log = openSync(path.join(dir, 'worker.log'), 'a');
  const child = spawn(process.execPath, [real, 'dev', '--ip', '127.0.0.1', '--port', port, ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`])], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' },
  });
  child.unref();
  state.served = { pid: child.pid };
  save();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`the served worker exited (${child.exitCode}); see ${path.join(dir, 'worker.log')}`);
    try {
      await fetch(`http://127.0.0.1:${port}/api/catalog`, { signal: AbortSignal.timeout(5000) });
      return;
    } catch {
      await sleep(300);
    }
  }
  fail(`the served worker did not answer on ${port} within 90 s`);
}

const injected = process.env.WRANGLER_STAND_IN_FAIL;
if (injected && command.startsWith(injected) && !state.failed.includes(injected)) {
  state.failed.push(injected);
  save();
  fail(`A request to the Cloudflare API (${command}) failed. (injected by the test)`);
}

switch (true) {
  case command === 'whoami --json':
    if (!state.loggedIn) {
      out(JSON.stringify({ loggedIn: false }));
      process.exit(1);
    }
    out(JSON.stringify({ loggedIn: true, authType: 'OAuth Token', email: 'seller@example.com', accounts: state.accounts, tokenPermissions: [] }, null, 2));
    break;
  case command === 'd1 list --json':
    out(JSON.stringify(state.d1.map((db) => ({ ...db, created_at: '2026-12-06T00:00:00Z', version: 'production' })), null, 2));
    break;
  case command.startsWith('d1 create '):
    state.d1.push({ uuid: randomUUID(), name: positional(2) });
    save();
    out(`✅ Successfully created DB '${positional(2)}'`);
    break;
  case command.startsWith('d1 migrations ') || command.startsWith('d1 execute ') || command.startsWith('r2 object '):
    local();
    break;
  case command === 'kv namespace list':
    out(JSON.stringify(state.kv, null, 2));
    break;
  case command.startsWith('kv namespace create '):
    if (state.kv.some((ns) => ns.title === positional(3))) fail(`A KV namespace with the title "${positional(3)}" already exists.`);
    state.kv.push({ id: randomBytes(16).toString('hex'), title: positional(3), supports_url_encoding: true });
    save();
    out('✨ Success!');
    break;
  case command.startsWith('queues info '):
    if (!state.queues.includes(positional(2))) fail(`Queue "${positional(2)}" does not exist. To create it, run: wrangler queues create ${positional(2)}`);
    out(`Queue Name: ${positional(2)}`);
    break;
  case command.startsWith('queues create '):
    state.queues.push(positional(2));
    save();
    out(`✅ Created queue '${positional(2)}'`);
    break;
  case command.startsWith('r2 bucket info '):
    if (!state.buckets.includes(positional(3))) fail('The specified bucket does not exist. [code: 10006]');
    out(`name: ${positional(3)}`);
    break;
  case command.startsWith('r2 bucket create '):
    state.buckets.push(positional(3));
    save();
    out(`✅ Created bucket '${positional(3)}' with default storage class of Standard.`);
    break;
  case command.startsWith('secret list'):
    if (!state.workers.includes(workerName())) fail(`Worker "${workerName()}" not found.`);
    out(JSON.stringify(Object.keys(state.secrets).map((name) => ({ name, type: 'secret_text' })), null, 2));
    break;
  case command.startsWith('secret put '):
    state.secrets[positional(2)] = readStdin().trim();
    if (!state.workers.includes(workerName())) state.workers.push(workerName());
    save();
    out(`✨ Success! Uploaded secret ${positional(2)}`);
    if (state.served) await serve();
    break;
  case command.startsWith('secret delete '):
    delete state.secrets[positional(2)];
    save();
    out(`✨ Success! Deleted secret ${positional(2)}`);
    if (state.served) await serve();
    break;
  case command === 'deploy':
    if (!state.workers.includes(workerName())) state.workers.push(workerName());
    save();
    await serve();
    out(`Uploaded ${workerName()}\nDeployed ${workerName()} triggers\n  https://${workerName()}.seller.workers.dev`);
    break;
  case command === 'stop':
    // not a wrangler command: the tests' way to stop the served worker
    await stopServed();
    break;
  default:
    fail(`the wrangler stand-in does not know: wrangler ${command}`);
}
