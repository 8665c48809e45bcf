import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/app';
import type { Dependencies, Env } from '../../../worker/env';
import type { FulfilmentRequest, RevocationRequest } from '../../../worker/fulfil';
import { WEBHOOK_SECRET } from './stripe';

/** The env a local developer has: the test secret, dev checkout on. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return { DB: env.DB, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, ALLOWED_ORIGINS: 'https://shop.pages.dev', ...overrides };
}

/** The app with a fulfil hook that counts its calls (and can be told to fail). */
export function testApp(overrides: Partial<Dependencies> = {}) {
  const calls: FulfilmentRequest[] = [];
  const tokens: string[] = [];
  const revocations: RevocationRequest[] = [];
  let failure: Error | null = null;
  const app = createApp({
    fulfil: async (request) => {
      calls.push(request);
      if (failure) throw failure;
      if (!request.product?.digital) return { deliveryToken: null };
      const deliveryToken = `dl_test_${crypto.randomUUID()}`;
      tokens.push(deliveryToken);
      return { deliveryToken };
    },
    revoke: async (request) => {
      revocations.push(request);
    },
    ...overrides,
  });
  return {
    app,
    calls,
    /** Delivery tokens the hook issued, in call order. */
    tokens,
    revocations,
    failNextWith(error: Error | null) {
      failure = error;
    },
    async send(request: Request, environment: Env = testEnv()): Promise<Response> {
      const ctx = createExecutionContext();
      const response = await app.fetch(request, environment, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
  };
}

/** Every row of every table the worker writes: "nothing changed" means this is equal before and after. */
export async function snapshot(db: D1Database = env.DB) {
  const [events, orders] = await db.batch([
    db.prepare('SELECT * FROM stripe_events ORDER BY id'),
    db.prepare('SELECT * FROM orders ORDER BY id'),
  ]);
  return { events: events!.results, orders: orders!.results };
}

export async function ledgerRow(id: string) {
  return env.DB.prepare('SELECT * FROM stripe_events WHERE id = ?').bind(id).first<{ status: string; attempts: number; last_error: string | null; type: string; note: string | null }>();
}

export async function orderRow(id: string) {
  return env.DB.prepare('SELECT * FROM orders WHERE id = ?').bind(id).first<Record<string, unknown>>();
}
