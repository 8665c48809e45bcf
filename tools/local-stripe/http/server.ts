// The local Stripe's HTTP server on 127.0.0.1: the API under /v1 (keys, rate limits,
// idempotency, expansion, the request log), the control endpoints under /__fake, and the
// pages Stripe hosts (checkout, Payment Links, the customer portal, Stripe.js), each behind
// the checks that keep it this machine's (local-only.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StripeApiError, unrecognizedUrl } from '../core/errors';
import { expand } from '../resources/expand';
import { newId } from '../core/ids';
import { checkoutPages } from '../pages/checkout';
import { dashboard } from '../pages/dashboard';
import { mailPage } from '../pages/mail';
import { MailCatcher } from '../resources/mail';
import { portalPage } from '../pages/portal';
import { STRIPE_JS_PATH, stripeJsStandIn } from '../pages/stripe-js';
import { parseBracketParams } from '../core/params';
import { clone, DEFAULT_API_VERSION, type Store } from '../core/store';
import type { RecordedRequest, RequestContext, StripeObject } from '../core/types';
import { handleControl, type Controllable } from './control';
import { refuseForeignHost, refuseForeignOrigin, refuseUnlessJson, refuseUnlessOwnPage, type Refusal } from './local-only';
import { readBody, sendJson, sendScript } from '../core/respond';
import { rejectUnknownParameters } from './parameters';
import { matchRoute } from './router';

const RATE_LIMITED = 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.';

export class LocalStripeServer implements Controllable {
  private server!: http.Server;
  private idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private rateLimit = { remaining: 0, retryAfter: undefined as number | undefined };
  /** The email providers' send APIs, kept here: the shop's mail on this machine. */
  readonly mail = new MailCatcher();
  /** Every /v1 request, newest last, capped at 1000. */
  requests: RecordedRequest[] = [];

  constructor(
    readonly store: Store,
    private readonly log: (message: string) => void,
  ) {}

  async listen(port: number): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) sendJson(res, 500, { error: { type: 'api_error', message: 'Local Stripe internal error' } });
        else res.end();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.store.baseUrl = `http://127.0.0.1:${this.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Drops every object, event, delivery, request log and pending 429; keeps the webhook target. */
  resetAll(): void {
    this.store.reset();
    this.store.webhooks.reset();
    this.idempotency.clear();
    this.rateLimit = { remaining: 0, retryAfter: undefined };
    this.requests = [];
    this.mail.reset();
  }

  set429(count: number, options: { retryAfter?: number } = {}): void {
    this.rateLimit = { remaining: Math.max(0, Math.floor(count)), retryAfter: options.retryAfter };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const refused = (refusal: Refusal) => sendJson(res, refusal.status, { error: { type: 'invalid_request_error', message: refusal.reason } });
    const foreignHost = refuseForeignHost(req, this.port);
    if (foreignHost) return refused(foreignHost);
    const url = new URL(req.url ?? '/', this.store.baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const reads = method === 'GET' || method === 'HEAD';
    if (url.pathname.startsWith('/v1/') || url.pathname === '/v1') return this.handleApi(req, res, url, method);
    if (url.pathname.startsWith('/__fake/')) {
      const refusal = refuseForeignOrigin(req) ?? (reads ? null : refuseUnlessJson(req));
      return refusal ? refused(refusal) : handleControl(this, req, res, url, method);
    }
    if (url.pathname.startsWith('/pay/') || url.pathname.startsWith('/pay-link/')) return checkoutPages(this.store, req, res, url, method);
    if (url.pathname.startsWith('/portal/') && method === 'GET') return portalPage(this.store, res, decodeURIComponent(url.pathname.slice('/portal/'.length)));
    if (STRIPE_JS_PATH.test(url.pathname) && method === 'GET') return sendScript(res, stripeJsStandIn());
    if ((url.pathname === '/emails' || url.pathname === '/email') && method === 'POST') return this.handleMail(req, res, url.pathname);
    if (url.pathname === '/mail' && method === 'GET') return mailPage(this.mail, req, res, url);
    if (url.pathname === '/' && method === 'GET') return dashboard(this.store, req, res, url, method, this.mail);
    if (url.pathname.startsWith('/dashboard/')) {
      const refusal = reads ? null : refuseUnlessOwnPage(req);
      return refusal ? refused(refusal) : dashboard(this.store, req, res, url, method, this.mail);
    }
    sendJson(res, 404, unrecognizedUrl(method, url.pathname).body());
  }

  private async handleMail(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const body = await readBody(req);
    const answer = path === '/emails' ? this.mail.resend(req.headers, body) : this.mail.postmark(req.headers, body);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (!res.destroyed) sendJson(res, answer.status, answer.body);
  }

  private async handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
    const requestId = newId.request();
    const stripeVersion = (req.headers['stripe-version'] as string | undefined) ?? null;
    const idempotencyKey = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const baseHeaders: Record<string, string> = { 'request-id': requestId, 'stripe-version': stripeVersion ?? DEFAULT_API_VERSION };
    if (idempotencyKey) baseHeaders['idempotency-key'] = idempotencyKey;
    let params: StripeObject = {};
    let status = 500;
    const respond = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      status = code;
      sendJson(res, code, body, { ...baseHeaders, ...headers });
    };
    try {
      const body = await readBody(req);
      params = parseBracketParams(method === 'GET' ? url.search.slice(1) : body || url.search.slice(1));

      if (this.rateLimit.remaining > 0) {
        this.rateLimit.remaining--;
        const error = new StripeApiError(429, 'invalid_request_error', RATE_LIMITED, 'rate_limit');
        respond(429, error.body(), this.rateLimit.retryAfter !== undefined ? { 'retry-after': String(this.rateLimit.retryAfter) } : {});
        return;
      }

      const apiKey = apiKeyOf(req);
      if (stripeVersion) this.store.lastApiVersion = stripeVersion;

      let fingerprint = '';
      if (method === 'POST' && idempotencyKey) {
        fingerprint = `${method} ${url.pathname} ${body}`;
        const cached = this.idempotency.get(`${apiKey} ${idempotencyKey}`);
        if (cached) {
          if (cached.fingerprint !== fingerprint) {
            throw new StripeApiError(
              400,
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            );
          }
          respond(cached.status, cached.body, { 'idempotent-replayed': 'true' });
          return;
        }
      }

      const route = matchRoute(method, url.pathname);
      if (!route) {
        this.log(`unrecognized request ${method} ${url.pathname}`);
        throw unrecognizedUrl(method, url.pathname);
      }
      rejectUnknownParameters(method, route.route.path, params);
      const ctx: RequestContext = { requestId, idempotencyKey, apiVersion: stripeVersion };
      const result = route.route.handler(this.store, ctx, params, route.match);
      const responseBody = expand(this.store, clone(result), params);
      if (fingerprint) this.idempotency.set(`${apiKey} ${idempotencyKey}`, { fingerprint, status: 200, body: responseBody });
      respond(200, responseBody);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      respond(error.status, error.body(), error.headers);
    } finally {
      this.requests.push({ method, path: url.pathname, params, status, stripeVersion, idempotencyKey });
      if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);
    }
  }
}

/** The secret key of a request (Bearer, or Basic as curl -u sends it); only test keys pass. */
function apiKeyOf(req: http.IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  let key = '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (bearer) key = bearer[1]!;
  else if (basic) key = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] ?? '';
  if (!key) {
    throw new StripeApiError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (!/^(sk|rk)_test_\S+$/.test(key)) {
    const masked = key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
    throw new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${masked}`);
  }
  return key;
}
