// npm start (tools/start.mjs) where it goes wrong before the shop is up: a port already in use,
// a stranger answering on the shop's port, a step failing after the worker started; and what it
// prints when all goes well (one line per step, not wrangler's tables).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portTaken } from '../../tools/start/ports.mjs';
import { migrationsSummary, wranglerOutputFilter } from '../../tools/start/quiet.mjs';
import { waitForShop } from '../../tools/start/worker.mjs';
import { freePort, snapshotProject } from '../browser/support/worker';
import { closedPort, ROOT, runCli } from './run-cli';

const cleanUps: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanUps.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A loopback HTTP server answering every request with `status` and `body` (a stranger on a port). */
async function serve(status: number, body: string, contentType = 'text/html'): Promise<number> {
  const server: Server = createServer((_request, response) => response.writeHead(status, { 'content-type': contentType }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanUps.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/**
 * start.mjs and its modules alone, with the example .dev.vars: enough to check the ports, and
 * nothing else to run. A start that went past the check fails at once here (there is no
 * package.json to build), and leaves a .dev.vars behind.
 */
function bareProject(): string {
  const project = tempDir('npm-start-bare-');
  cpSync(path.join(ROOT, 'tools', 'start.mjs'), path.join(project, 'tools', 'start.mjs'));
  cpSync(path.join(ROOT, 'tools', 'start'), path.join(project, 'tools', 'start'), { recursive: true });
  cpSync(path.join(ROOT, '.dev.vars.example'), path.join(project, '.dev.vars.example'));
  return project;
}

const start = (project: string, args: string[], env: Record<string, string> = {}, timeoutMs = 20_000) =>
  runCli(path.join(project, 'tools', 'start.mjs'), args, { CI: 'true', FORCE_COLOR: '0', ...env }, timeoutMs);

describe('npm start with a port already in use', () => {
  it('the shop’s port: exit 1 with one line naming the port, --port and PORT; nothing done (no .dev.vars, no build)', async () => {
    const project = bareProject();
    const taken = await serve(501, '<h1>Not Implemented</h1>');
    const result = await start(project, ['--port', String(taken), '--stripe-port', String(await closedPort())]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `npm start: port ${taken} (the shop) is already in use on 127.0.0.1: stop what runs there, or pick another port with --port <n> (npm start -- --port <n>) or PORT=<n>.`,
    ]);
    expect(existsSync(path.join(project, '.dev.vars'))).toBe(false);
  });

  it('the local Stripe’s port: exit 1 with one line naming the port, --stripe-port and LOCAL_STRIPE_PORT; nothing done', async () => {
    const project = bareProject();
    const taken = await serve(200, 'someone else');
    const result = await start(project, ['--port', String(await closedPort()), '--stripe-port', String(taken)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `npm start: port ${taken} (the local Stripe) is already in use on 127.0.0.1: stop what runs there, or pick another port with --stripe-port <n> (npm start -- --stripe-port <n>) or LOCAL_STRIPE_PORT=<n>.`,
    ]);
    expect(existsSync(path.join(project, '.dev.vars'))).toBe(false);
  });

  it('a taken port given as PORT in the environment: the same one line', async () => {
    const project = bareProject();
    const taken = await serve(501, 'no');
    const result = await start(project, [], { PORT: String(taken), LOCAL_STRIPE_PORT: String(await closedPort()) });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(`npm start: port ${taken} (the shop) is already in use`)]);
  });
});

describe('npm start with options it cannot use', () => {
  it.each([
    [['--port', 'eighty'], '--port must be a port number from 1 to 65535, got "eighty"'],
    [['--stripe-port', '70000'], '--stripe-port must be a port number from 1 to 65535, got "70000"'],
    [['--port', '9000', '--stripe-port', '9000'], '--port and --stripe-port are both 9000: the shop and the local Stripe need a port each'],
    // `npm start --port 9000` without `--`: npm keeps --port for itself and passes the 9000 alone.
    [['9000'], 'unexpected argument "9000": npm keeps options given before "--" for itself, so write npm start -- --port 9000'],
  ])('%j: exit 1 with one line, nothing done', async (args, line) => {
    const project = bareProject();
    const result = await start(project, args);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`npm start: ${line}`]);
    expect(existsSync(path.join(project, '.dev.vars'))).toBe(false);
  });
});

describe('portTaken', () => {
  it('is true for a port a server listens on, false once it is closed', async () => {
    const port = await serve(200, 'x');
    expect(await portTaken(port)).toBe(true);
    expect(await portTaken(await closedPort())).toBe(false);
  });
});

describe('waitForShop: the shop is up only when it is this shop answering', () => {
  it.each([
    ['a 501 page', 501, '<h1>501 Not Implemented</h1>', 'text/html'],
    ['a 200 page', 200, '<html>hello</html>', 'text/html'],
    ['JSON that is not a catalog', 200, '{"ok":true}', 'application/json'],
  ])('a stranger answering %s is not taken for the shop: rejects, saying what answered', async (_name, status, body, contentType) => {
    const port = await serve(status, body, contentType);
    const waiting = waitForShop({ url: `http://127.0.0.1:${port}`, exited: () => null, timeoutMs: 1500, intervalMs: 100 });
    await expect(waiting).rejects.toThrow(`http://127.0.0.1:${port}/api/catalog answered ${status} ${contentType}, not this shop's catalog`);
  });

  it('wrangler dev exiting first: rejects with how it exited, whoever answers on the port', async () => {
    const port = await serve(200, JSON.stringify({ checkout: false, products: [] }), 'application/json');
    const waiting = waitForShop({ url: `http://127.0.0.1:${port}`, exited: () => 'exit 1', timeoutMs: 5000, intervalMs: 100 });
    await expect(waiting).rejects.toThrow(`wrangler dev exited (exit 1) before the shop answered on http://127.0.0.1:${port}`);
  });

  it('the shop’s catalog API answering while wrangler dev runs: resolves', async () => {
    const port = await serve(200, JSON.stringify({ checkout: true, products: [] }), 'application/json; charset=UTF-8');
    await expect(waitForShop({ url: `http://127.0.0.1:${port}`, exited: () => null, timeoutMs: 5000, intervalMs: 100 })).resolves.toBeUndefined();
  });
});

// What wrangler 4.86 printed (colours removed): the first and a later `npm start`.
const FIRST_MIGRATIONS = `Resource location: local

Migrations to be applied:
┌─────────────────────────────────────┐
│ name                                │
├─────────────────────────────────────┤
│ 0001_ledger_and_orders.sql          │
└─────────────────────────────────────┘
? About to apply 10 migration(s)
Your database may not be available to serve requests during the migration, continue?
🤖 Using fallback value in non-interactive context: yes
🚣 5 commands executed successfully.
`;
const LATER_MIGRATIONS = `Resource location: local

Use --remote if you want to access the remote instance.

✅ No migrations to apply!
`;

describe('migrationsSummary', () => {
  it('one line for wrangler’s migration tables: how many were applied, or up to date', () => {
    expect(migrationsSummary(FIRST_MIGRATIONS)).toBe('D1: 10 migrations applied to the local database');
    expect(migrationsSummary(FIRST_MIGRATIONS.replace('10 migration(s)', '1 migration(s)'))).toBe('D1: 1 migration applied to the local database');
    expect(migrationsSummary(LATER_MIGRATIONS)).toBe('D1: the local database is up to date');
    expect(migrationsSummary('wording of some future wrangler')).toBe('D1: migrations applied to the local database');
  });
});

const WRANGLER_DEV = `Using secrets defined in .dev.vars
Your Worker has access to the following bindings:
Binding                                                                 Resource                  Mode
env.CATALOG (00000000000000000000000000000000)                          KV Namespace              local
env.OUTBOX (edge-storefront-outbox)                                     Queue                     local
env.SYNC_TOKEN ("(hidden)")                                             Environment Variable      local

\u001b[33m▲ \u001b[43;33m[\u001b[43;30mWARNING\u001b[43;33m]\u001b[0m \u001b[1mScheduled Workers are not automatically triggered during local development.\u001b[0m

  To manually trigger a scheduled event, run:
    curl "http://127.0.0.1:8787/cdn-cgi/handler/scheduled"
  For more details, see https://developers.cloudflare.com/workers/configuration/cron-triggers/#test-cron-triggers-locally


⎔ Starting local server...
[wrangler:info] ✨ Parsed 3 valid header rules.
[wrangler:info] Ready on http://127.0.0.1:8787
[wrangler:info] GET /api/catalog 200 OK (1039ms)
[wrangler:info] POST /api/admin/sync 200 OK (138ms)
[wrangler:info] GET /favicon.ico 404 Not Found (3ms)
{"msg":"order delivered","order":"cs_test_a1","products":["field-notes"],"files":1,"licenceKeys":0}
[wrangler:info] QUEUE edge-storefront-outbox 1/1 (37ms)
[wrangler:info] QUEUE edge-storefront-outbox 1/2 (41ms)
▲ [WARNING] {"msg":"request rejected","path":"/api/admin/sync","status":415,"reason":"Content-Type must be application/json, not none"}


[wrangler:info] POST /webhooks/stripe 500 Internal Server Error (20ms)
✘ [ERROR] Address already in use (127.0.0.1:8787). Please check that you are not already running a server on this address or specify a different port with --port.
`;

describe('wranglerOutputFilter', () => {
  it('keeps the worker’s logs, warnings, failed requests, partly failed queue batches and errors; drops the bindings table, the cron note, the Ready line, requests that went well and queue batches fully acknowledged', () => {
    const show = wranglerOutputFilter();
    expect(WRANGLER_DEV.split('\n').filter(show)).toEqual([
      '{"msg":"order delivered","order":"cs_test_a1","products":["field-notes"],"files":1,"licenceKeys":0}',
      '[wrangler:info] QUEUE edge-storefront-outbox 1/2 (41ms)',
      '▲ [WARNING] {"msg":"request rejected","path":"/api/admin/sync","status":415,"reason":"Content-Type must be application/json, not none"}',
      '',
      '[wrangler:info] POST /webhooks/stripe 500 Internal Server Error (20ms)',
      '✘ [ERROR] Address already in use (127.0.0.1:8787). Please check that you are not already running a server on this address or specify a different port with --port.',
      '',
    ]);
  });
});

/** Processes whose working directory is inside `dir` (wrangler, esbuild and workerd run in the project). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

describe('npm start failing after the worker started', () => {
  it(
    'stops every process it started and frees the shop’s port; the site it built names the port it serves',
    async () => {
      const project = path.join(tempDir('npm-start-failing-'), 'project');
      snapshotProject(project);
      // Cloudflare Access configured locally: the back office refuses the SYNC_TOKEN, so the
      // mirror backfill (after the worker is up) fails.
      const example = readFileSync(path.join(ROOT, '.dev.vars.example'), 'utf8');
      writeFileSync(path.join(project, '.dev.vars'), `${example}\nACCESS_TEAM_DOMAIN=https://team.cloudflareaccess.com\nACCESS_AUD=${'a'.repeat(64)}\n`);
      cleanUps.push(() => {
        // Only if the start under test left some: they are this test's processes.
        for (const pid of processesIn(project)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      });
      const port = await freePort();
      const stripePort = await freePort([port]);

      const result = await start(project, ['--port', String(port), '--stripe-port', String(stripePort)], {}, 240_000);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`the worker on http://127.0.0.1:${port}`);
      expect(result.stderr).toContain(`npm start: node tools/stripe-sync.mjs --worker http://127.0.0.1:${port} --restart failed (exit`);
      expect(processesIn(project)).toEqual([]);
      expect(await portTaken(port)).toBe(false);
      expect(await portTaken(stripePort)).toBe(false);
      const sitemap = readFileSync(path.join(project, 'dist', 'sitemap.xml'), 'utf8');
      expect(sitemap).toContain(`<loc>http://127.0.0.1:${port}/`);
      expect(sitemap).not.toContain('8787');
    },
    300_000,
  );
});
