// tools/doctor.mjs against a stand-in for the worker's health endpoint and the local Stripe:
// what the doctor adds to the worker's own checks (is the shop there, may this machine enter,
// the Stripe side checked with its own key where the worker's could not).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HealthCheck } from '../../contract/api';
import { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } from '../../contract/stripe-events';
import { startLocalStripe, type LocalStripe } from '../../tools/local-stripe/index';
import { localStripeClient } from './support/local-stripe';
import { closedPort, runCli } from './run-cli';

const DOCTOR = 'tools/doctor.mjs';
const TOKEN = 'sync_token_for_the_doctor';

let local: LocalStripe;
let stripe: Stripe;
let shop = '';
let answer: (req: http.IncomingMessage) => { status: number; body: unknown; headers?: Record<string, string> };
const server = http.createServer((req, res) => {
  const { status, body, headers } = answer(req);
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
});

const green = (id: string, title: string): HealthCheck => ({ id, ok: true, title, detail: 'fine', fix: null });
/** A worker whose key could not read Stripe: its Stripe lines say so. */
const uncheckedStripe = (): HealthCheck[] => [
  { id: 'stripe:webhook-endpoints', ok: false, title: 'Webhook endpoint', detail: 'not checked: the worker has no STRIPE_SECRET_KEY', fix: 'run npm run doctor with STRIPE_SECRET_KEY set' },
  { id: 'stripe:catalog', ok: false, title: 'The catalog in Stripe', detail: 'not checked', fix: 'run npm run doctor with STRIPE_SECRET_KEY set' },
  green('secret:STRIPE_WEBHOOK_SECRET', 'Secret STRIPE_WEBHOOK_SECRET'),
];
const healthy = (checks: HealthCheck[]) => (req: http.IncomingMessage) =>
  req.headers.authorization === `Bearer ${TOKEN}` ? { status: 200, body: { checks } } : { status: 404, body: { error: `no route for GET ${req.url}` } };

const doctor = (env: Record<string, string> = {}) => runCli(DOCTOR, ['--remote', shop], { SYNC_TOKEN: TOKEN, ...env });

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  shop = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local = await startLocalStripe({ log: false, webhookRetryDelaysMs: [] });
  stripe = localStripeClient(local.url, 'sk_test_doctor');
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await local.close();
});
beforeEach(() => {
  local.reset();
  answer = healthy([green('secret:STRIPE_WEBHOOK_SECRET', 'Secret STRIPE_WEBHOOK_SECRET')]);
});

describe('npm run doctor', () => {
  it('prints the worker’s checks, one line each, and exits 0 when all are green', async () => {
    const result = await doctor();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`✓ Shop at ${shop} — answering; back office entered with SYNC_TOKEN`);
    expect(result.stdout).toContain('✓ Secret STRIPE_WEBHOOK_SECRET — fine');
  });

  it('a shop that does not answer is red, naming how to deploy it; exit 1', async () => {
    const result = await runCli(DOCTOR, ['--remote', `http://127.0.0.1:${await closedPort()}`], { SYNC_TOKEN: TOKEN });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ Shop at http:\/\/127\.0\.0\.1:\d+ — no answer \(ECONNREFUSED\)\n {4}fix: deploy it: npm run launch/);
  });

  it('a back office that does not let this machine in is red, saying what it needs', async () => {
    const result = await doctor({ SYNC_TOKEN: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ Back office reachable from here — the back office answered 404, as it does to anyone it does not let in');
  });

  it('behind Access, sends the service token; a redirect to Access’s login is red, not followed', async () => {
    let seen: http.IncomingHttpHeaders = {};
    answer = (req) => {
      seen = req.headers;
      return { status: 302, body: {}, headers: { location: 'https://team.cloudflareaccess.com/cdn-cgi/access/login' } };
    };
    const result = await doctor({ SYNC_TOKEN: '', CF_ACCESS_CLIENT_ID: 'doctor.access', CF_ACCESS_CLIENT_SECRET: 'secret' });
    expect(seen).toMatchObject({ 'cf-access-client-id': 'doctor.access', 'cf-access-client-secret': 'secret' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Cloudflare Access asked for a login (302');
  });

  it('with STRIPE_SECRET_KEY, checks the webhook endpoint and the catalog itself where the worker could not', async () => {
    answer = healthy(uncheckedStripe());
    await stripe.webhookEndpoints.create({ url: `${shop}/webhooks/stripe`, enabled_events: [...HANDLED_EVENT_TYPES], api_version: STRIPE_API_VERSION });
    const result = await doctor({ STRIPE_SECRET_KEY: 'sk_test_doctor', STRIPE_API_BASE: local.url });
    expect(result.stdout).not.toContain('not checked');
    expect(result.stdout).toContain(`✓ Webhook endpoint for ${shop}/webhooks/stripe`);
    expect(result.stdout).toContain('✓ Webhook endpoint subscribes to every handled event type');
    // The repository's catalog has no test links: the doctor's own catalog lines say so.
    expect(result.stdout).toContain('✗ field-notes in Stripe (test mode) — no Stripe product has metadata.catalog_id = field-notes');
  });

  it('without a key, the worker’s unchecked Stripe lines stay red, naming the key as the fix', async () => {
    answer = healthy(uncheckedStripe());
    const result = await doctor();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ Webhook endpoint — not checked: the worker has no STRIPE_SECRET_KEY\n    fix: run npm run doctor with STRIPE_SECRET_KEY set');
  });
});
