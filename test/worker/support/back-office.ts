// Calling the back office in tests, and orders written straight into D1 where a test
// needs many, or needs them at chosen times.
import { env } from 'cloudflare:workers';
import { testEnv, type TestApp } from './app';

export const SYNC_TOKEN = 'sync-token-for-tests';
export const adminEnv = (overrides = {}) =>
  testEnv({ STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL, SYNC_TOKEN, CATALOG: env.CATALOG, ...overrides });

const auth = { authorization: `Bearer ${SYNC_TOKEN}` };

export const adminGet = (path: string, headers: Record<string, string> = auth) => new Request(`https://shop.example/api/admin/${path}`, { headers });

/** The back office's API as a typed client (the admin routes' own types), signed in with the sync token. */
export const adminApi = (app: TestApp, environment = adminEnv(), headers: Record<string, string> = { ...auth, origin: 'https://shop.example' }) => app.client(environment, { headers }).api.admin;

export const adminPost = (path: string, body: object = {}, headers: Record<string, string> = auth) =>
  new Request(`https://shop.example/api/admin/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://shop.example', ...headers },
    body: JSON.stringify(body),
  });

export interface SeedOrder {
  id?: string;
  status?: string;
  createdAt: number;
  currency?: string;
  amountTotal?: number;
  email?: string;
  clientReferenceId?: string;
  paymentIntent?: string;
}

const alnum = () => crypto.randomUUID().replaceAll('-', '');

/** An order row as the webhook would have left it. */
export async function seedOrder(order: SeedOrder): Promise<string> {
  const id = order.id ?? `cs_test_a1Seed${alnum()}`;
  await env.DB.prepare(
    `INSERT INTO orders (id, status, client_reference_id, amount_total, currency, customer_email, mode, livemode, created_at, updated_at, payment_intent)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'payment', 0, ?7, ?7, ?8)`,
  )
    .bind(id, order.status ?? 'fulfilled', order.clientReferenceId ?? null, order.amountTotal ?? 1200, order.currency ?? 'usd', order.email ?? null, order.createdAt, order.paymentIntent ?? null)
    .run();
  return id;
}

export const uniqueRef = (prefix: string) => `${prefix}_${alnum()}`;
