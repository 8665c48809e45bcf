// Starts the real worker for browser tests: `wrangler dev` with the real wrangler.toml and the
// built dist/, on a free loopback port, with a fresh local state directory (D1 migrations
// applied and the sample files seeded first) under a temp dir. Never touches .wrangler/state, never reads .dev.vars or
// .env: the vars a worker gets are passed explicitly (`--env-file` plus `--var`).
//
// wrangler dev watches the worker's sources, dist/ and wrangler.toml and reloads on any
// change, which drops in-flight work such as a queued side effect.
// So each worker runs from a snapshot of the project taken when it starts (node_modules
// linked, not copied): saving a file or rebuilding dist/ during a run cannot change what is tested.
//
// Used by ./shop.ts: for the shared shop of the global setup, and for test files that need a
// shop of their own.
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
import { ARTIFACTS_DIR } from './constants';

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

export async function freePort(exclude: number[] = []): Promise<number> {
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

/** Copies the project to `into` (no node_modules, state, secrets or outputs; node_modules linked). */
export function snapshotProject(into: string): void {
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

/** A var name wrangler accepts on the command line and in an env file. */
const VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

export interface WorkerOptions {
  /** Vars the worker gets (written to the env file and passed as `--var`); nothing else is read. */
  vars: Record<string, string>;
  /** Log file name under test/artifacts/ (wrangler's output, git-ignored). */
  logName: string;
  /**
   * Extra readiness check once `/` answers 200 and the order API behaves like this worker's;
   * throw to fail the start with that message (not retried).
   */
  probe?: (baseUrl: string) => Promise<void>;
  /** A built site to serve instead of the project's dist/ (a build with other settings); copied into the snapshot. */
  dist?: string;
}

export interface RunningWorker {
  /** e.g. `http://127.0.0.1:24567` */
  readonly baseUrl: string;
  readonly logFile: string;
  /** Stops the whole process group and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Snapshot, migrate, start; resolves once the worker serves its pages and its order API. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  for (const [name, value] of Object.entries(options.vars)) {
    if (!VAR_NAME.test(name) || /[\n\r]/.test(value)) throw new Error(`worker var ${JSON.stringify(name)} cannot be passed safely`);
  }
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logFile = path.join(ARTIFACTS_DIR, options.logName);
  const temp = mkdtempSync(path.join(tmpdir(), 'storefront-e2e-'));
  const cleanUp = () => rmSync(temp, { recursive: true, force: true });
  const project = path.join(temp, 'project');
  try {
    snapshotProject(project);
    if (options.dist) {
      rmSync(path.join(project, 'dist'), { recursive: true, force: true });
      cpSync(options.dist, path.join(project, 'dist'), { recursive: true });
    }
  } catch (error) {
    cleanUp();
    throw error;
  }
  const state = path.join(temp, 'state');
  // Passing --env-file makes wrangler skip .dev.vars (and the default .env files) entirely.
  const envFile = path.join(temp, 'e2e.env');
  writeFileSync(envFile, Object.entries(options.vars).map(([name, value]) => `${name}=${value}\n`).join(''));

  const migrate = spawnSync(
    process.execPath,
    [wranglerBin, 'd1', 'migrations', 'apply', 'DB', '--local', '--config', path.join(project, 'wrangler.toml'), '--persist-to', state, '--env-file', envFile],
    { cwd: project, env: wranglerEnv, encoding: 'utf8', timeout: 60_000 },
  );
  writeFileSync(logFile, `$ wrangler d1 migrations apply DB --local --persist-to ${state}\n${migrate.stdout}${migrate.stderr}\n`);
  if (migrate.status !== 0) {
    cleanUp();
    throw new Error(`applying the D1 migrations failed (exit ${migrate.status ?? migrate.signal}):\n${migrate.stdout}\n${migrate.stderr}`);
  }

  // The sample files into the local R2 bucket and sample keys into the licence pool, as npm start does.
  const seed = spawnSync(process.execPath, [path.join(project, 'tools', 'files.mjs'), 'seed', '--persist-to', state, '--config', path.join(project, 'wrangler.toml')], {
    cwd: project,
    env: wranglerEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  appendFileSync(logFile, `$ node tools/files.mjs seed --persist-to ${state}\n${seed.stdout}${seed.stderr}\n`);
  if (seed.status !== 0) {
    cleanUp();
    throw new Error(`seeding the local R2 bucket failed (exit ${seed.status ?? seed.signal}):\n${seed.stdout}\n${seed.stderr}`);
  }

  let started: { child: ChildProcess; baseUrl: string } | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await launch(project, state, envFile, options, logFile);
    } catch (error) {
      const retry = error instanceof PortClash && attempt < START_ATTEMPTS;
      if (!retry) {
        cleanUp();
        throw error;
      }
      appendFileSync(logFile, `\n(port clash, starting again: attempt ${attempt + 1} of ${START_ATTEMPTS})\n\n`);
    }
  }

  const { child, baseUrl } = started;
  // Last resort if the run is interrupted before the teardown runs.
  const onExit = () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL');
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    baseUrl,
    logFile,
    stop() {
      stopping ??= (async () => {
        process.off('exit', onExit);
        await stopGroup(child);
        cleanUp();
      })();
      return stopping;
    },
  };
}

/** wrangler dev could not bind its port: someone took it after we checked. Worth another try. */
class PortClash extends Error {}

async function launch(project: string, state: string, envFile: string, options: WorkerOptions, logFile: string): Promise<{ child: ChildProcess; baseUrl: string }> {
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
    ...Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    '--show-interactive-dev-session=false',
    '--live-reload=false',
  ];
  appendFileSync(logFile, `$ wrangler dev --port ${port} --inspector-port ${inspectorPort} --persist-to ${state} (vars: ${Object.keys(options.vars).join(', ')}) ...\n`);
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
      try {
        await options.probe?.(baseUrl);
      } catch (error) {
        await stopGroup(child);
        throw new Error(`${baseUrl} started but is not ready: ${error instanceof Error ? error.message : String(error)}. Log (${logFile}):\n${tail(logFile, logStart, 30)}`);
      }
      return { child, baseUrl };
    }
    await stopGroup(child);
    throw new Error(
      `${baseUrl} answered / but its order API did not behave like this worker's: ${probe instanceof Response ? probe.status : ''} ${body}. Log (${logFile}):\n${tail(logFile, logStart, 30)}`,
    );
  }

  await stopGroup(child);
  const log = tail(logFile, logStart);
  if (/address already in use/i.test(log)) throw new PortClash(`wrangler dev could not bind its ports:\n${log}`);
  throw new Error(
    `wrangler dev did not serve ${baseUrl}/ with 200 ${exited ? `(${exited})` : `within ${(READY_TRIES * READY_INTERVAL_MS) / 1000} s`}. Log (${logFile}):\n${log}`,
  );
}

/** Whether dist/ holds a build the workers can serve. */
export const distIsBuilt = () => existsSync(path.join(root, 'dist', 'index.html'));
