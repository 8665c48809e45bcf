// The control endpoints under /__fake: what a test in another process (or the dashboard)
// does to the local Stripe over HTTP. JSON bodies.
import type http from 'node:http';
import { StripeApiError } from '../errors';
import { parseBracketParams } from '../params';
import { openDispute } from '../resources/charges';
import { completeSession, expireSession, type CheckoutForm } from '../resources/checkout-sessions';
import type { RequestContext, StripeObject } from '../types';
import { readBody, sendJson } from './respond';
import type { LocalStripeServer } from './server';

const badRequest = (message: string) => ({ error: { type: 'invalid_request_error', message } });

export async function handleControl(server: LocalStripeServer, req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
  const { store } = server;
  const text = await readBody(req).catch(() => '');
  let body: StripeObject = {};
  if (text) {
    try {
      body = (req.headers['content-type'] ?? '').includes('json') || text.trimStart().startsWith('{') ? JSON.parse(text) : parseBracketParams(text);
    } catch {
      return sendJson(res, 400, badRequest('control endpoints take a JSON body'));
    }
  }
  const ctx: RequestContext = { requestId: null, idempotencyKey: null, apiVersion: null };
  const route = `${method} ${url.pathname}`;
  try {
    if (route === 'POST /__fake/reset') {
      resetAll(server);
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'POST /__fake/429') {
      const count = Number(body.count ?? 1);
      if (!Number.isFinite(count) || count < 0) return sendJson(res, 400, badRequest('count must be a number ≥ 0'));
      server.set429(count, body.retryAfter === undefined ? {} : { retryAfter: Number(body.retryAfter) });
      return sendJson(res, 200, { ok: true, count });
    }
    if (route === 'POST /__fake/webhook') {
      try {
        store.webhooks.setTarget(body.url ? { url: String(body.url), secret: String(body.secret ?? '') } : null);
      } catch (error) {
        return sendJson(res, 400, badRequest((error as Error).message));
      }
      return sendJson(res, 200, { ok: true, webhook: store.webhooks.target ? { url: store.webhooks.target.url } : null });
    }
    if (route === 'GET /__fake/deliveries') return sendJson(res, 200, { deliveries: store.webhooks.deliveries });
    if (route === 'GET /__fake/requests') return sendJson(res, 200, { requests: server.requests });
    if (route === 'POST /__fake/flush') {
      await store.webhooks.flush();
      return sendJson(res, 200, { ok: true, deliveries: store.webhooks.deliveries.length });
    }
    const checkout = /^POST \/__fake\/checkout\/([^/]+)\/(complete|expire)$/.exec(route);
    if (checkout) {
      const id = decodeURIComponent(checkout[1]!);
      const form = { promotionCode: body.promotionCode, shipping: body.shipping, phone: body.phone } as CheckoutForm;
      const session = checkout[2] === 'complete' ? completeSession(store, id, body.email ? String(body.email) : undefined, ctx, form) : expireSession(store, id, ctx);
      await store.webhooks.flush();
      return sendJson(res, 200, session);
    }
    const dispute = /^POST \/__fake\/charges\/([^/]+)\/dispute$/.exec(route);
    if (dispute) {
      const opened = openDispute(store, decodeURIComponent(dispute[1]!), body.reason ? String(body.reason) : 'fraudulent', ctx);
      await store.webhooks.flush();
      return sendJson(res, 200, opened);
    }
  } catch (error) {
    if (error instanceof StripeApiError) return sendJson(res, error.status, error.body());
    throw error;
  }
  sendJson(res, 404, badRequest(`Unknown control endpoint ${method} ${url.pathname}`));
}

/** Drops every object, event, delivery, request log and pending 429; keeps the webhook target. */
export function resetAll(server: LocalStripeServer): void {
  server.store.reset();
  server.store.webhooks.reset();
  server.reset();
}
