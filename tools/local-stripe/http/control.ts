// The control endpoints under /__fake: what a test in another process does to the local Stripe
// over HTTP. JSON bodies only (the server has checked the content type and the Origin).
import type http from 'node:http';
import { StripeApiError } from '../core/errors';
import { closeDispute, openDispute } from '../resources/charges';
import { completeSession, expireSession } from '../resources/checkout-sessions';
import { renewSubscription } from '../resources/subscriptions';
import type { Store } from '../core/store';
import type { MailCatcher } from '../resources/mail';
import type { CheckoutForm, RecordedRequest, RequestContext, StripeObject } from '../core/types';
import { readBody, sendJson } from '../core/respond';

/** What the control endpoints drive: the server, as seen from here. */
export interface Controllable {
  readonly store: Store;
  readonly requests: RecordedRequest[];
  readonly mail: MailCatcher;
  resetAll(): void;
  set429(count: number, options?: { retryAfter?: number }): void;
}

const badRequest = (message: string) => ({ error: { type: 'invalid_request_error', message } });

export async function handleControl(server: Controllable, req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
  const { store } = server;
  const text = await readBody(req).catch(() => '');
  let body: StripeObject = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text) as StripeObject;
    } catch {
      return sendJson(res, 400, badRequest('control endpoints take a JSON body'));
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return sendJson(res, 400, badRequest('control endpoints take a JSON object'));
  }
  const ctx: RequestContext = { requestId: null, idempotencyKey: null, apiVersion: null };
  const route = `${method} ${url.pathname}`;
  try {
    if (route === 'POST /__fake/reset') {
      server.resetAll();
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
    if (route === 'POST /__fake/api-version') {
      if (body.version !== null && (typeof body.version !== 'string' || !body.version.trim())) return sendJson(res, 400, badRequest('version must be an API version string, or null'));
      store.eventApiVersion = body.version;
      return sendJson(res, 200, { ok: true, version: store.eventApiVersion });
    }
    if (route === 'POST /__fake/mail/fail') {
      const count = Number(body.count ?? 1);
      const delayMs = Number(body.delayMs ?? 0);
      const status = Number(body.status ?? 500);
      if (!Number.isInteger(count) || count < 0) return sendJson(res, 400, badRequest('count must be a whole number ≥ 0'));
      if (body.mode === 'slow') {
        if (!Number.isFinite(delayMs) || delayMs <= 0 || delayMs > 60_000) return sendJson(res, 400, badRequest('delayMs must be 1–60000'));
        server.mail.failNext(count, { mode: 'slow', delayMs });
      } else {
        if (!Number.isInteger(status) || status < 400 || status > 599) return sendJson(res, 400, badRequest('status must be 400–599'));
        server.mail.failNext(count, { mode: 'status', status });
      }
      return sendJson(res, 200, { ok: true, count });
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
      const form = { promotionCode: body.promotionCode, shipping: body.shipping, phone: body.phone, shippingRate: body.shippingRate } as CheckoutForm;
      const session = checkout[2] === 'complete' ? completeSession(store, id, body.email ? String(body.email) : undefined, ctx, form) : expireSession(store, id, ctx);
      await store.webhooks.flush();
      return sendJson(res, 200, session);
    }
    const closing = /^POST \/__fake\/charges\/([^/]+)\/dispute\/close$/.exec(route);
    if (closing) {
      if (body.status !== 'won' && body.status !== 'lost') return sendJson(res, 400, badRequest('status must be "won" or "lost"'));
      const closed = closeDispute(store, decodeURIComponent(closing[1]!), body.status, ctx);
      await store.webhooks.flush();
      return sendJson(res, 200, closed);
    }
    const dispute = /^POST \/__fake\/charges\/([^/]+)\/dispute$/.exec(route);
    if (dispute) {
      const opened = openDispute(store, decodeURIComponent(dispute[1]!), body.reason ? String(body.reason) : 'fraudulent', ctx);
      await store.webhooks.flush();
      return sendJson(res, 200, opened);
    }
    const renewal = /^POST \/__fake\/subscriptions\/([^/]+)\/renew$/.exec(route);
    if (renewal) {
      const outcome = body.outcome ?? 'pay';
      if (outcome !== 'pay' && outcome !== 'fail') return sendJson(res, 400, badRequest('outcome must be "pay" or "fail"'));
      const renewed = renewSubscription(store, decodeURIComponent(renewal[1]!), outcome, ctx);
      await store.webhooks.flush();
      return sendJson(res, 200, renewed);
    }
  } catch (error) {
    if (error instanceof StripeApiError) return sendJson(res, error.status, error.body());
    throw error;
  }
  sendJson(res, 404, badRequest(`Unknown control endpoint ${method} ${url.pathname}`));
}
