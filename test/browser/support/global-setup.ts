// Starts the real worker once for the browser tests: `wrangler dev` with the real
// wrangler.toml and the built dist/, on a free loopback port, with a fresh local state
// directory (D1 migrations applied first) under a temp dir. Never touches .wrangler/state,
// never reads .dev.vars or .env: the vars the tests need are passed explicitly.
//
// wrangler dev watches the worker's sources, dist/ and wrangler.toml and reloads on any
// change, which drops in-flight work such as the local checkout's delayed payment event.
// So it runs from a snapshot of the project taken at the start (node_modules linked, not
// copied): saving a file or rebuilding dist/ during a run cannot change what is tested.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ARTIFACTS_DIR, CHROMIUM_PATH, WEBHOOK_SECRET } from './constants';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const wranglerBin = path.join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

const READY_TRIES = 240;
const READY_INTERVAL_MS = 250;
const STOP_GRACE_MS = 5_000;
const START_ATTEMPTS = 3;

const wranglerEnv: NodeJS.ProcessEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  // Only the --env-file below may supply vars; never the process environment.
  CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
  CI: 'true',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

// Ports handed out by bind(0) come from the kernel's ephemeral range, which the worker
// tests' workerd processes use heavily in parallel; a port picked below that range cannot be
// taken by them between our probe and wrangler's bind. An occasional clash with anything else
// is handled by retrying the start.
const PORT_RANGE: [number, number] = [20_000, 32_000];

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(exclude: number[] = []): Promise<number> {
  const [low, high] = PORT_RANGE;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!exclude.includes(port) && (await portIsFree(port))) return port;
  }
  throw new Error(`no free loopback port found in ${low}-${high}`);
}

/** Not part of the snapshot: dependencies (linked instead), VCS, local state, secrets, outputs. */
const SNAPSHOT_SKIP = new Set(['node_modules', '.git', '.wrangler', 'test/artifacts', 'bench/out']);
const isLocalSecretsFile = (name: string) => name.startsWith('.dev.vars') || name === '.env' || name.startsWith('.env.');

function snapshotProject(into: string): void {
  cpSync(root, into, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(root, source).split(path.sep).join('/');
      return !SNAPSHOT_SKIP.has(relative) && !isLocalSecretsFile(path.basename(source));
    },
  });
  symlinkSync(path.join(root, 'node_modules'), path.join(into, 'node_modules'), 'dir');
}

function tail(file: string, from = 0, lines = 60): string {
  try {
    return readFileSync(file).subarray(from).toString('utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
}

export default async function setup(vitest: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(path.join(root, 'dist', 'index.html'))) {
    throw new Error(
      'dist/index.html is missing: the browser tests serve the built site. Run `npx vite build` first (`npm test` does it before vitest).',
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y --no-install-recommends chromium).`);
  }

  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const temp = mkdtempSync(path.join(tmpdir(), 'storefront-e2e-'));
  const project = path.join(temp, 'project');
  try {
    snapshotProject(project);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  const state = path.join(temp, 'state');
  // Passing --env-file makes wrangler skip .dev.vars (and the default .env files) entirely.
  const envFile = path.join(temp, 'e2e.env');
  writeFileSync(envFile, `DEV_CHECKOUT=true\nSTRIPE_WEBHOOK_SECRET=${WEBHOOK_SECRET}\n`);
  const logFile = path.join(ARTIFACTS_DIR, 'worker.log');

  const migrate = spawnSync(
    process.execPath,
    [wranglerBin, 'd1', 'migrations', 'apply', 'DB', '--local', '--config', path.join(project, 'wrangler.toml'), '--persist-to', state, '--env-file', envFile],
    { cwd: project, env: wranglerEnv, encoding: 'utf8', timeout: 60_000 },
  );
  writeFileSync(logFile, `$ wrangler d1 migrations apply DB --local --persist-to ${state}\n${migrate.stdout}${migrate.stderr}\n`);
  if (migrate.status !== 0) {
    rmSync(temp, { recursive: true, force: true });
    throw new Error(`applying the D1 migrations failed (exit ${migrate.status ?? migrate.signal}):\n${migrate.stdout}\n${migrate.stderr}`);
  }

  let worker: RunningWorker | undefined;
  for (let attempt = 1; !worker; attempt++) {
    try {
      worker = await startWorker(project, state, envFile, logFile);
    } catch (error) {
      const retry = error instanceof PortClash && attempt < START_ATTEMPTS;
      if (!retry) {
        rmSync(temp, { recursive: true, force: true });
        throw error;
      }
      appendFileSync(logFile, `\n(port clash, starting again: attempt ${attempt + 1} of ${START_ATTEMPTS})\n\n`);
    }
  }

  const running = worker;
  // Last resort if the run is interrupted before the teardown runs.
  const onExit = () => running.child.pid !== undefined && killGroup(running.child.pid, 'SIGKILL');
  process.once('exit', onExit);

  vitest.provide('baseUrl', running.baseUrl);
  return async () => {
    process.off('exit', onExit);
    await stopGroup(running.child);
    rmSync(temp, { recursive: true, force: true });
  };
}

interface RunningWorker {
  child: ChildProcess;
  baseUrl: string;
}

/** wrangler dev could not bind its port: someone took it after we checked. Worth another try. */
class PortClash extends Error {}

async function startWorker(project: string, state: string, envFile: string, logFile: string): Promise<RunningWorker> {
  const port = await freePort();
  const inspectorPort = await freePort([port]);
  const args = [
    wranglerBin,
    'dev',
    '--config', path.join(project, 'wrangler.toml'),
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--inspector-port', String(inspectorPort),
    '--persist-to', state,
    '--env-file', envFile,
    '--var', 'DEV_CHECKOUT:true',
    '--var', `STRIPE_WEBHOOK_SECRET:${WEBHOOK_SECRET}`,
    '--show-interactive-dev-session=false',
    '--live-reload=false',
  ];
  appendFileSync(logFile, `$ wrangler dev --port ${port} --inspector-port ${inspectorPort} --persist-to ${state} ...\n`);
  const logStart = statSync(logFile).size;
  const logFd = openSync(logFile, 'a');
  // Own process group (setsid): wrangler runs esbuild and two workerd processes; all of
  // them are stopped together by signalling the group.
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: wranglerEnv,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exit ${code ?? signal}`;
  });
  const hasExited = () => exited !== null;

  const baseUrl = `http://127.0.0.1:${port}`;
  let ready = false;
  for (let attempt = 0; attempt < READY_TRIES && !ready && !hasExited(); attempt++) {
    try {
      const response = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      ready = response.status === 200;
    } catch {
      // not listening yet
    }
    if (!ready) await sleep(READY_INTERVAL_MS);
  }
  // Make sure it is this worker (not something else on the port) and that its D1 has the
  // schema: an unknown order is a 404 from the order API, a missing table would be a 500.
  if (ready && !hasExited()) {
    const probe = await fetch(`${baseUrl}/api/orders/cs_test_readinessprobe`).catch((error: unknown) => error);
    const body = probe instanceof Response ? await probe.text() : String(probe);
    if (probe instanceof Response && probe.status === 404 && /json/.test(probe.headers.get('content-type') ?? '')) {
      return { child, baseUrl };
    }
    await stopGroup(child);
    throw new Error(`${baseUrl} answered / but its order API did not behave like this worker's: ${probe instanceof Response ? probe.status : ''} ${body}`);
  }

  await stopGroup(child);
  const log = tail(logFile, logStart);
  if (/address already in use/i.test(log)) throw new PortClash(`wrangler dev could not bind its ports:\n${log}`);
  throw new Error(
    `wrangler dev did not serve ${baseUrl}/ with 200 ${exited ? `(${exited})` : `within ${(READY_TRIES * READY_INTERVAL_MS) / 1000} s`}. Log (${logFile}):\n${log}`,
  );
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
