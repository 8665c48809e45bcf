// tools/stripe-sync.mjs against a stand-in for the worker's admin sync/replay contract.
import http from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, runCli } from './run-cli';

const SYNC = 'tools/stripe-sync.mjs';
const TOKEN = 'sync_token_for_tests';
/** A Cloudflare Access service token; the stand-in plays Access and the worker behind it at once. */
const SERVICE_TOKEN = { CF_ACCESS_CLIENT_ID: 'launch-bot.access', CF_ACCESS_CLIENT_SECRET: 'service-token-secret' };
const PAGE = 100;
const RESOURCES = ['products', 'prices', 'customers', 'subscriptions', 'payment_links'] as const;
const SIZES: Record<string, number> = { products: 250, prices: 120, customers: 5, subscriptions: 0, payment_links: 3, replay: 130 };
const PREFIX: Record<string, string> = { products: 'prod', prices: 'price', customers: 'cus', subscriptions: 'sub', payment_links: 'plink', replay: 'evt' };

interface Call {
  route: string;
  resource: string;
  startingAfter: string | null;
  authorized: boolean;
  /** 1-based count of calls for this resource. */
  n: number;
}
type Scripted = { status: number; headers?: Record<string, string>; body: unknown } | undefined;

/** The worker's side of the contract: pages of ids, with scripted failures. */
class StandInWorker {
  url = '';
  calls: Call[] = [];
  /** Ids answered in 200 pages, per resource (replay included), across every run. */
  served: Record<string, string[]> = {};
  script: (call: Call) => Scripted = () => undefined;
  onRequest: (req: http.IncomingMessage) => void = () => {};
  private server = http.createServer((req, res) => this.handle(req, res));

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  reset() {
    this.calls = [];
    this.served = {};
    this.script = () => undefined;
    this.onRequest = () => {};
  }
  ids(resource: string) {
    return Array.from({ length: SIZES[resource]! }, (_, i) => `${PREFIX[resource]}_${String(i).padStart(4, '0')}`);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    this.onRequest(req);
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (req.method !== 'POST' || (req.url !== '/api/admin/sync' && req.url !== '/api/admin/replay')) return send(404, { error: 'not found' });
      const body = JSON.parse(text || '{}') as { resource?: string; startingAfter?: string };
      const resource = req.url === '/api/admin/replay' ? 'replay' : String(body.resource);
      const call: Call = {
        route: req.url,
        resource,
        startingAfter: body.startingAfter ?? null,
        authorized:
          req.headers.authorization === `Bearer ${TOKEN}` ||
          (req.headers['cf-access-client-id'] === SERVICE_TOKEN.CF_ACCESS_CLIENT_ID && req.headers['cf-access-client-secret'] === SERVICE_TOKEN.CF_ACCESS_CLIENT_SECRET),
        n: this.calls.filter((c) => c.resource === resource).length + 1,
      };
      this.calls.push(call);
      if (!call.authorized) return send(401, { error: 'unauthorized' });
      if (!(resource in SIZES)) return send(400, { error: `unknown resource ${resource}` });
      const scripted = this.script(call);
      if (scripted) return send(scripted.status, scripted.body, scripted.headers);
      const ids = this.ids(resource);
      const start = call.startingAfter ? ids.indexOf(call.startingAfter) + 1 : 0;
      if (call.startingAfter && start === 0) return send(400, { error: `bad cursor ${call.startingAfter}` });
      const page = ids.slice(start, start + PAGE);
      (this.served[resource] ??= []).push(...page);
      const hasMore = start + PAGE < ids.length;
      const next = hasMore ? page.at(-1)! : null;
      if (resource === 'replay') return send(200, { replayed: page.length - 1, skipped: 1, hasMore, next });
      return send(200, { synced: page.length, hasMore, next });
    });
  }
}

const worker = new StandInWorker();
let dir: string;
let statePath: string;

const sync = (args: string[] = [], env: Record<string, string> = {}) =>
  runCli(SYNC, ['--worker', worker.url, '--state', statePath, ...args], { SYNC_TOKEN: TOKEN, SYNC_BACKOFF_MS: '1', ...env });
const readState = async () => JSON.parse(await readFile(statePath, 'utf8')) as { entries: Record<string, { startingAfter?: string; done?: boolean; totals?: Record<string, number> }> };
const exists = (file: string) => stat(file).then(() => true, () => false);

beforeAll(async () => {
  await worker.start();
  dir = await mkdtemp(path.join(tmpdir(), 'stripe-sync-'));
});
afterAll(async () => {
  await worker.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  worker.reset();
  statePath = path.join(dir, `state-${Math.random().toString(36).slice(2)}.json`);
});
afterEach(() => worker.reset());

describe('stripe:sync', () => {
  it('syncs every resource in order, page by page, backing off on 429/503', async () => {
    worker.script = (call) => {
      if (call.resource === 'products' && call.n === 2) return { status: 429, headers: { 'retry-after': '0' }, body: { error: 'Stripe rate limit' } };
      if (call.resource === 'customers' && call.n === 1) return { status: 503, body: { error: 'try later' } };
      return undefined;
    };
    const result = await sync();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const resource of RESOURCES) expect(worker.served[resource] ?? []).toEqual(worker.ids(resource));
    // Order: every products call before any prices call, and so on.
    const order = [...new Set(worker.calls.map((c) => c.resource))];
    expect(order).toEqual([...RESOURCES]);
    expect(worker.calls.filter((c) => c.resource === 'products').map((c) => c.startingAfter)).toEqual([null, 'prod_0099', 'prod_0099', 'prod_0199']);
    expect(worker.calls.every((c) => c.authorized)).toBe(true);
    expect(result.stdout).toMatch(/products: done, 250 synced/);
    expect(result.stdout).toMatch(/subscriptions: done, 0 synced/);
    expect(result.stdout).toMatch(/rate-limited \(429: Stripe rate limit\); retry 1\/4/);
    expect(result.stdout).toMatch(/unavailable \(503: try later\); retry 1\/4/);
    expect(result.stdout).toMatch(/Sync complete/);
    expect(await exists(statePath)).toBe(false);
  });

  it('resumes from the saved cursor after a failure, without redoing finished work', async () => {
    // Run 1: products fail on their third page.
    worker.script = (call) => (call.resource === 'products' && call.n === 3 ? { status: 500, body: { error: 'D1 is on fire' } } : undefined);
    const first = await sync();
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/\/api\/admin\/sync failed with 500: D1 is on fire/);
    expect(first.stderr).toMatch(/run the same command again to resume/);
    expect(worker.served.products).toHaveLength(200);
    const saved = await readState();
    expect(saved.entries[`${worker.url} products`]).toMatchObject({ startingAfter: 'prod_0199', totals: { synced: 200 } });

    // Run 2: picks up after prod_0199 and finishes everything.
    worker.script = () => undefined;
    const callsBefore = worker.calls.length;
    const second = await sync();
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const secondCalls = worker.calls.slice(callsBefore);
    expect(secondCalls[0]).toMatchObject({ resource: 'products', startingAfter: 'prod_0199' });
    expect(second.stdout).toMatch(/products: resuming after prod_0199 \(200 synced before\)/);
    expect(second.stdout).toMatch(/products: done, 250 synced \(200 in an earlier run\)/);
    // Totals add up: every object exactly once across both runs.
    for (const resource of RESOURCES) expect(worker.served[resource] ?? []).toEqual(worker.ids(resource));
    expect(await exists(statePath)).toBe(false);

    // Run 3 after an interruption later on: finished resources are skipped on resume.
    worker.reset();
    worker.script = (call) => (call.resource === 'customers' ? { status: 502, body: { error: 'bad gateway' } } : undefined);
    expect((await sync()).code).toBe(1);
    expect((await readState()).entries).toEqual({
      [`${worker.url} products`]: expect.objectContaining({ done: true }),
      [`${worker.url} prices`]: expect.objectContaining({ done: true }),
    });
    worker.script = () => undefined;
    const resumed = await sync();
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/products: already finished by the interrupted run, skipping/);
    expect(worker.served.products).toHaveLength(250);
    expect(worker.served.customers).toHaveLength(5);
  });

  it('starts over with --restart', async () => {
    worker.script = (call) => (call.resource === 'products' && call.n === 2 ? { status: 500, body: { error: 'nope' } } : undefined);
    expect((await sync(['--resources', 'products'])).code).toBe(1);
    worker.script = () => undefined;
    const again = await sync(['--resources', 'products', '--restart']);
    expect(again.code).toBe(0);
    expect(worker.calls.filter((c) => c.resource === 'products').map((c) => c.startingAfter)).toEqual([null, 'prod_0099', null, 'prod_0099', 'prod_0199']);
  });

  it('keeps state per worker URL', async () => {
    worker.script = (call) => (call.n === 2 ? { status: 500, body: { error: 'nope' } } : undefined);
    expect((await sync(['--resources', 'prices'])).code).toBe(1);
    const state = await readState();
    expect(Object.keys(state.entries)).toEqual([`${worker.url} prices`]);
    // Another worker URL (same process, other spelling of the host) does not see that cursor.
    worker.script = () => undefined;
    const other = await runCli(SYNC, ['--worker', worker.url.replace('127.0.0.1', 'localhost'), '--state', statePath, '--resources', 'prices'], { SYNC_TOKEN: TOKEN, SYNC_BACKOFF_MS: '1' });
    expect(other.code).toBe(0);
    expect(worker.calls.at(-2)).toMatchObject({ resource: 'prices', startingAfter: null });
    expect(Object.keys((await readState()).entries)).toEqual([`${worker.url} prices`]);
  });

  it('gives up after 5 tries when rate limiting does not stop', async () => {
    worker.script = (call) => (call.resource === 'products' ? { status: 429, body: { error: 'slow down' } } : undefined);
    const result = await sync();
    expect(result.code).toBe(1);
    expect(worker.calls.filter((c) => c.resource === 'products')).toHaveLength(5);
    expect(worker.calls.some((c) => c.resource !== 'products')).toBe(false);
    expect(result.stderr).toMatch(/stayed rate-limited \(429: slow down\) after 5 tries/);
  });

  it('stops on a bad token with a clear message', async () => {
    const result = await sync([], { SYNC_TOKEN: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the worker refused SYNC_TOKEN \(401\)\. Check it matches the worker's SYNC_TOKEN secret\. \(unauthorized\)/);
    expect(worker.calls).toHaveLength(1);
  });

  it('behind Cloudflare Access, sends the service token (CF_ACCESS_CLIENT_ID/SECRET) as Access’s headers, without a bearer', async () => {
    const headers: Record<string, string | undefined>[] = [];
    worker.script = () => undefined;
    worker.onRequest = (req) => headers.push({ id: req.headers['cf-access-client-id'] as string, secret: req.headers['cf-access-client-secret'] as string, authorization: req.headers.authorization });
    const result = await sync(['--resources', 'customers'], { SYNC_TOKEN: '', ...SERVICE_TOKEN });
    expect(result.code, result.stderr).toBe(0);
    expect(headers).toEqual([{ id: 'launch-bot.access', secret: 'service-token-secret', authorization: undefined }]);
  });

  it('a redirect to Access’s login page (no valid service token) stops with what to send, following nothing', async () => {
    worker.script = () => ({ status: 302, headers: { location: 'https://team.cloudflareaccess.com/cdn-cgi/access/login/shop.example' }, body: '' });
    const result = await sync(['--resources', 'customers']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cloudflare Access asked for a login (302 to https://team.cloudflareaccess.com/cdn-cgi/access/login/shop.example): send a service token');
    expect(worker.calls).toHaveLength(1);
  });

  it('a 404 from the back office says who it lets in', async () => {
    worker.script = () => ({ status: 404, body: { error: 'no route for POST /api/admin/sync' } });
    const result = await sync(['--resources', 'customers']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the back office answered 404, as it does to anyone it does not let in: behind Cloudflare Access it needs a service token/);
  });

  it('half a service token is a usage error naming the missing half', async () => {
    const result = await sync([], { CF_ACCESS_CLIENT_ID: 'launch-bot.access' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET go together (CF_ACCESS_CLIENT_SECRET is missing)');
  });

  it('stops when the worker is unreachable, after retrying', async () => {
    const port = await closedPort();
    const result = await runCli(SYNC, ['--worker', `http://127.0.0.1:${port}`, '--state', statePath, '--resources', 'products'], { SYNC_TOKEN: TOKEN, SYNC_BACKOFF_MS: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not reach http://127.0.0.1:${port}/api/admin/sync (ECONNREFUSED); gave up after 5 tries`);
  });

  it('refuses to run without a token or with unknown resources', async () => {
    const noToken = await sync([], { SYNC_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/No way into the back office: set SYNC_TOKEN/);
    const bad = await sync(['--resources', 'products,invoices']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown resource invoices/);
    expect(worker.calls).toHaveLength(0);
  });

  it('replays missed events after syncing with --replay', async () => {
    worker.script = (call) => (call.resource === 'replay' && call.n === 2 ? { status: 503, headers: { 'retry-after': '0' }, body: { error: 'busy' } } : undefined);
    const result = await sync(['--resources', 'customers', '--replay']);
    expect(result.code).toBe(0);
    expect(worker.calls.map((c) => [c.resource, c.startingAfter])).toEqual([
      ['customers', null],
      ['replay', null],
      ['replay', 'evt_0099'],
      ['replay', 'evt_0099'],
    ]);
    expect(result.stdout).toMatch(/replay: done, 128 replayed, 2 skipped/);
  });

  it('draws a growing one-line progress bar on a terminal', async () => {
    const result = await sync(['--resources', 'products'], { SYNC_PROGRESS: 'tty' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\r\x1b[2Kproducts ▕█░░░░░░░░░░░░░░░░░░░▏ 100 synced');
    expect(result.stdout).toContain('\r\x1b[2Kproducts ▕██░░░░░░░░░░░░░░░░░░▏ 200 synced');
    expect(result.stdout).toContain('products ▕████████████████████▏ 250 synced ✓\n');
  });

  it('rejects a worker answer that breaks the contract instead of looping', async () => {
    worker.script = (call) => (call.resource === 'products' ? { status: 200, body: { synced: 100, hasMore: true, next: 'prod_0099' } } : undefined);
    const result = await sync(['--resources', 'products']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/returned the cursor prod_0099 twice/);
    worker.script = (call) => (call.resource === 'products' ? { status: 200, body: { ok: true } } : undefined);
    const garbage = await sync(['--resources', 'products', '--restart']);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/unexpected body/);
  });
});
