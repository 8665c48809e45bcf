import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { hc, parseResponse, type ClientResponse } from 'hono/client';
import { expect } from 'vitest';
import { createApp, defaultDependencies, type AppType } from '../../../worker/app';
import type { ErrorResponse } from '../../../contract/api';
import type { Env, OutboxMessage } from '../../../worker/platform/env';
import type { Dependencies } from '../../../worker/http/app-env';
import { consumeOutbox } from '../../../worker/outbox/consumer';
import { consumeEvents } from '../../../worker/events/consume';
import type { EventMessage } from '../../../worker/platform/env';
import type { DeliveryRequest, FulfilmentRequest, RevocationRequest } from '../../../worker/seller-hooks';
import { WEBHOOK_SECRET } from './stripe';

export const DOWNLOAD_SECRET = 'download_secret_for_the_worker_tests_0123456789';

/** The env a local developer has: the test secret, dev checkout on. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return {
    DB: env.DB,
    FILES: env.FILES,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DOWNLOAD_SIGNING_SECRET: DOWNLOAD_SECRET,
    ALLOWED_ORIGINS: 'https://shop.pages.dev',
    ...overrides,
  };
}

/**
 * The app with hooks that count their calls (and can be told to fail). Its outbox
 * producer hands each queued message straight to the real consumer
 * (`consumeOutbox`) when a request is done, as the queue would moments later;
 * messages the consumer asked to retry wait for `redeliverRetries()`.
 */
export type TestApp = ReturnType<typeof testApp>;

export function testApp(overrides: Partial<Dependencies> = {}, options: { webhooks?: 'sync' | 'queue' } = {}) {
  /** Calls of the pure `fulfil` hook: one per delivery that reached the handler, duplicates included. */
  const calls: FulfilmentRequest[] = [];
  /** Calls of the `deliver` side-effect hook, from the outbox: once per fulfilled order. */
  const deliveries: DeliveryRequest[] = [];
  const tokens: string[] = [];
  const revocations: RevocationRequest[] = [];
  let failure: Error | null = null;
  const deps = defaultDependencies({
    fulfil: async (request) => {
      calls.push(request);
      if (failure) throw failure;
      if (!request.product?.digital) return { deliveryToken: null };
      const deliveryToken = `dl_test_${crypto.randomUUID()}`;
      tokens.push(deliveryToken);
      return { deliveryToken };
    },
    deliver: async (request) => {
      deliveries.push(request);
    },
    revoke: async (request) => {
      revocations.push(request);
    },
    ...overrides,
  });
  const app = createApp(deps);
  let queued: OutboxMessage[] = [];
  let retrying: OutboxMessage[] = [];
  const outbox = {
    async send(body: OutboxMessage) {
      queued.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<OutboxMessage>>) {
      for (const message of messages) queued.push(message.body);
    },
  } as unknown as Queue<OutboxMessage>;

  // Queue mode: webhooks are answered `queued`, and the real EVENTS consumer commits them
  // as one batch when the request is done, as the queue would within a second.
  let heldEvents: EventMessage[] = [];
  const events = {
    async send(body: EventMessage) {
      heldEvents.push(body);
    },
  } as unknown as Queue<EventMessage>;

  async function consumeHeldEvents(environment: Env) {
    const bodies = heldEvents;
    heldEvents = [];
    if (bodies.length === 0) return;
    const batch = createMessageBatch<EventMessage>('edge-storefront-events', bodies.map((body, i) => ({ id: `e${i}`, timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    await consumeEvents(batch, { ...deps, db: environment.DB, env: environment, waitUntil: (promise) => ctx.waitUntil(promise) });
    await waitOnExecutionContext(ctx);
  }

  async function consume(bodies: OutboxMessage[], environment: Env, consumerDeps: Dependencies = deps) {
    if (bodies.length === 0) return;
    const batch = createMessageBatch<OutboxMessage>('edge-storefront-outbox', bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    await consumeOutbox(batch, environment, consumerDeps);
    const result = await getQueueResult(batch, ctx);
    retrying.push(...bodies.filter((_, i) => result.retryMessages.some((retry: { msgId: string }) => retry.msgId === `m${i}`)));
  }

  async function send(request: Request, environment: Env = testEnv()): Promise<Response> {
    const ctx = createExecutionContext();
    const withQueue = { ...environment, OUTBOX: environment.OUTBOX ?? outbox, ...(options.webhooks === 'queue' && !environment.EVENTS ? { EVENTS: events } : {}) };
    const response = await app.fetch(request, withQueue, ctx);
    await waitOnExecutionContext(ctx);
    await consumeHeldEvents(withQueue);
    const due = queued;
    queued = [];
    await consume(due, withQueue);
    return response;
  }

  return {
    app,
    deps,
    calls,
    deliveries,
    /** Delivery tokens the hook computed, in call order (a duplicate's token is never recorded). */
    tokens,
    revocations,
    failNextWith(error: Error | null) {
      failure = error;
    },
    send,
    /**
     * The app as a typed client: `hc<AppType>`, as hono/testing's `testClient` builds it, but each
     * call goes through `send` (its waitUntil work and queued messages done before it answers).
     * Paths, parameters and bodies are the routes' own types: a test restates none of them.
     */
    client(environment: Env = testEnv(), { headers = {}, origin = 'https://shop.example' }: { headers?: Record<string, string>; origin?: string } = {}) {
      return hc<AppType>(origin, { headers, fetch: (input: RequestInfo | URL, init?: RequestInit) => send(new Request(input, init), environment) });
    },
    /**
     * Delivers again the messages the consumer asked to retry (or that were not due yet:
     * a catalog window still open), as the queue would `laterMs` from now.
     */
    async redeliverRetries(environment: Env = testEnv(), laterMs = 0) {
      const due = retrying;
      retrying = [];
      await consume(due, { ...environment, OUTBOX: outbox }, { ...deps, now: () => deps.now() + laterMs });
    },
  };
}
/** Every row of every table the worker writes: "nothing changed" means this is equal before and after. */
export async function snapshot(db: D1Database = env.DB) {
  const [events, orders, revocations, outbox, buyerDetails] = await db.batch([
    db.prepare('SELECT * FROM stripe_events ORDER BY id'),
    db.prepare('SELECT * FROM orders ORDER BY id'),
    db.prepare('SELECT * FROM payment_revocations ORDER BY payment_intent'),
    db.prepare('SELECT * FROM outbox ORDER BY id'),
    db.prepare('SELECT * FROM order_buyer_details ORDER BY order_id'),
  ]);
  return { events: events!.results, orders: orders!.results, revocations: revocations!.results, outbox: outbox!.results, buyerDetails: buyerDetails!.results };
}

export async function ledgerRow(id: string) {
  return env.DB.prepare('SELECT * FROM stripe_events WHERE id = ?').bind(id).first<{ status: string; attempts: number; last_error: string | null; type: string; note: string | null }>();
}

export async function orderRow(id: string) {
  return env.DB.prepare('SELECT * FROM orders WHERE id = ?').bind(id).first<Record<string, unknown>>();
}

export async function outboxRow(subject: string, kind: 'delivered' | 'revoked' | 'catalog') {
  return env.DB.prepare('SELECT status, attempts, last_error FROM outbox WHERE subject = ? AND kind = ?')
    .bind(subject, kind)
    .first<{ status: string; attempts: number; last_error: string | null }>();
}

/**
 * The body of a typed client's answer (the route's own type), after checking its status; a
 * wrong status fails with the body as the message.
 */
export async function bodyOf<R extends ClientResponse<unknown>>(pending: R | Promise<R>, status = 200) {
  const response = await pending;
  expect(response.status, await response.clone().text()).toBe(status);
  return parseResponse(response);
}

/** A refusal with `status`: its body, the contract's `ErrorResponse`. */
type Answer = { status: number; clone(): { text(): Promise<string> }; json(): Promise<unknown> };

export async function refused(pending: Answer | Promise<Answer>, status: number): Promise<ErrorResponse> {
  const response = await pending;
  expect(response.status, await response.clone().text()).toBe(status);
  return { error: await refusalOf(response) };
}

/**
 * The message of a refusal. Every refusal's body is the contract's `ErrorResponse` (app.onError);
 * a body of another shape fails the test.
 */
export async function refusalOf(response: { json(): Promise<unknown> }): Promise<string> {
  const body: unknown = await response.json();
  if (!isErrorResponse(body)) throw new Error(`not an ErrorResponse: ${JSON.stringify(body)}`);
  return body.error;
}

function isErrorResponse(body: unknown): body is ErrorResponse {
  return typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string';
}
