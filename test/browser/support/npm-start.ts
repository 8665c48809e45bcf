// `npm start` with nothing but its defaults (a fresh copy of the project: no .dev.vars, no Stripe
// account), on free ports. Each npm-start-*.test.ts file starts its own, so scenarios never share
// a shop's state, and stops it with one Ctrl-C after its tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { ARTIFACTS_DIR } from './constants';
import { shopClient } from './shop';
import { freePort, snapshotProject } from './worker';

export const STARTED = 'Ctrl-C stops everything.';
const START_TIMEOUT_MS = 300_000;
const QUIET_WRANGLER = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' };

export interface NpmStart {
  /** The shop's origin (worker and site), e.g. http://127.0.0.1:40123. */
  shopUrl(): string;
  /** The local Stripe's origin (API, hosted pages, dashboard, mail catcher). */
  stripeUrl(): string;
  /** Everything npm start printed so far. */
  log(): string;
  /** The back office's Authorization header (the SYNC_TOKEN npm start wrote to .dev.vars). */
  backOffice(): { authorization: string };
  /** The running `npm start` process (its group stops with one SIGINT). */
  child(): ChildProcess;
  /** The fresh project npm start runs in: where a seller's own commands (npm run files, …) run. */
  project(): string;
  /** The shop's API as a typed client (`hc<AppType>`): read a body with hono's `parseResponse`, which throws on a non-2xx. */
  api(headers?: Record<string, string>): ReturnType<typeof shopClient>['api'];
  /** The back office's API as a typed client, signed in with the SYNC_TOKEN. */
  admin(): ReturnType<typeof shopClient>['api']['admin'];
  /** JSON from the local Stripe (its API, its mail catcher), throwing on a non-2xx with the status. */
  getJson<T>(url: string, headers?: Record<string, string>): Promise<T>;
}

export interface NpmStartOptions {
  /** Names the log file under the artifacts folder (npm-start-<name>.log). */
  name: string;
  /** Runs in the fresh project before npm start, with wrangler against its local state (e.g. to leave a crash's rows). */
  before?: (wrangler: (...args: string[]) => void) => void;
}

export async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

export function useNpmStart(options: NpmStartOptions): NpmStart {
  let project = '';
  let child: ChildProcess | undefined;
  let shopUrl = '';
  let stripeUrl = '';
  const logFile = path.join(ARTIFACTS_DIR, `npm-start-${options.name}.log`);
  const log = () => readFileSync(logFile, 'utf8');

  /** wrangler against the project's local state, as a seller would run it there. */
  const wrangler = (...args: string[]): void => {
    const result = spawnSync(process.execPath, [path.join(project, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), ...args], {
      cwd: project,
      env: { ...process.env, ...QUIET_WRANGLER },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  };

  beforeAll(async () => {
    const shopPort = await freePort();
    const stripePort = await freePort([shopPort]);
    shopUrl = `http://127.0.0.1:${shopPort}`;
    stripeUrl = `http://127.0.0.1:${stripePort}`;
    project = path.join(mkdtempSync(path.join(tmpdir(), 'npm-start-')), 'project');
    snapshotProject(project);
    // The snapshot leaves out every .dev.vars* file; a fresh clone has the example (tracked), not .dev.vars.
    copyFileSync(fileURLToPath(new URL('../../../.dev.vars.example', import.meta.url)), path.join(project, '.dev.vars.example'));
    options.before?.(wrangler);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const out = openSync(logFile, 'w');
    // What `npm start` runs; only the ports differ from its defaults (8787 and 12111 may be taken here).
    child = spawn(process.execPath, ['tools/start.mjs', '--port', String(shopPort), '--stripe-port', String(stripePort)], {
      cwd: project,
      stdio: ['ignore', out, out],
      detached: true,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' },
    });
    closeSync(out);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!log().includes(STARTED)) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${log().slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`npm start did not finish starting:\n${log().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // gone
      }
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    if (project) rmSync(path.dirname(project), { recursive: true, force: true });
  }, 30_000);

  const backOffice = () => ({ authorization: `Bearer ${/^SYNC_TOKEN=(.+)$/m.exec(readFileSync(path.join(project, '.dev.vars'), 'utf8'))![1]}` });

  return {
    shopUrl: () => shopUrl,
    stripeUrl: () => stripeUrl,
    log,
    backOffice,
    api: (headers = {}) => shopClient(shopUrl, headers).api,
    admin: () => shopClient(shopUrl, { ...backOffice(), origin: shopUrl }).api.admin,
    child: () => child!,
    project: () => project,
    async getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
      const response = await fetch(url, { headers });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return (await response.json()) as T;
    },
  };
}
