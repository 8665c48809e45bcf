// The local mail catcher: the email providers' send APIs as this shop calls them — Resend's
// POST /emails (Bearer key, Idempotency-Key) and Postmark's POST /email (X-Postmark-Server-Token) —
// keeping every message here instead of sending it. GET /mail lists them (pages/mail.ts).
import { randomUUID } from 'node:crypto';

export interface CaughtMessage {
  id: string;
  provider: 'resend' | 'postmark';
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** ISO time it was accepted. */
  sentAt: string;
  idempotencyKey: string | null;
}

/** How the next sends fail, for tests of retries: answer `status` without keeping the message, or keep it and answer late. */
export type MailFault = { mode: 'status'; status: number } | { mode: 'slow'; delayMs: number };

export interface MailAnswer {
  status: number;
  body: unknown;
  /** ms to wait before answering (a slow provider). */
  delayMs?: number;
}

export class MailCatcher {
  messages: CaughtMessage[] = [];
  private byKey = new Map<string, { fingerprint: string; id: string }>();
  private faults: MailFault[] = [];

  reset(): void {
    this.messages = [];
    this.byKey.clear();
    this.faults = [];
  }

  failNext(count: number, fault: MailFault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** POST /emails, Resend's shape. */
  resend(headers: Record<string, string | string[] | undefined>, body: string): MailAnswer {
    const fault = this.faults.shift();
    if (fault?.mode === 'status') return { status: fault.status, body: { statusCode: fault.status, name: 'application_error', message: 'A failure the local mail catcher was told to answer.' } };
    if (!/^Bearer\s+\S+$/i.test(String(headers.authorization ?? ''))) return { status: 401, body: { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header.' } };
    const parsed = parse(body);
    if (!parsed) return invalidResend('The request body is not JSON.');
    const to = typeof parsed.to === 'string' ? [parsed.to] : Array.isArray(parsed.to) ? parsed.to.map(String) : [];
    if (typeof parsed.from !== 'string' || !parsed.from) return invalidResend('The `from` field is missing.');
    if (to.length === 0) return invalidResend('The `to` field is missing.');
    if (typeof parsed.subject !== 'string') return invalidResend('The `subject` field is missing.');
    const key = headers['idempotency-key'] ? String(headers['idempotency-key']) : null;
    const accepted = this.accept('resend', key, body, fault?.delayMs, { from: parsed.from, to, subject: parsed.subject, text: String(parsed.text ?? ''), html: String(parsed.html ?? '') });
    if ('conflict' in accepted) return { status: 409, body: { statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' } };
    return { status: 200, body: { id: accepted.id }, ...(accepted.delayMs ? { delayMs: accepted.delayMs } : {}) };
  }

  /** POST /email, Postmark's shape. */
  postmark(headers: Record<string, string | string[] | undefined>, body: string): MailAnswer {
    const fault = this.faults.shift();
    if (fault?.mode === 'status') return { status: fault.status, body: { ErrorCode: 1, Message: 'A failure the local mail catcher was told to answer.' } };
    if (!headers['x-postmark-server-token']) return { status: 401, body: { ErrorCode: 10, Message: 'No Account or Server API tokens were supplied in the HTTP headers.' } };
    const parsed = parse(body);
    if (!parsed || typeof parsed.From !== 'string' || typeof parsed.To !== 'string') return { status: 422, body: { ErrorCode: 300, Message: 'Invalid email request: From and To are required.' } };
    const metadata = parsed.Metadata as Record<string, unknown> | undefined;
    const key = typeof metadata?.idempotency_key === 'string' ? metadata.idempotency_key : null;
    const to = parsed.To.split(',').map((address) => address.trim());
    const accepted = this.accept('postmark', key, body, fault?.delayMs, { from: parsed.From, to, subject: String(parsed.Subject ?? ''), text: String(parsed.TextBody ?? ''), html: String(parsed.HtmlBody ?? '') });
    if ('conflict' in accepted) return { status: 422, body: { ErrorCode: 300, Message: 'Invalid email request.' } };
    return { status: 200, body: { To: parsed.To, SubmittedAt: new Date().toISOString(), MessageID: accepted.id, ErrorCode: 0, Message: 'OK' }, ...(accepted.delayMs ? { delayMs: accepted.delayMs } : {}) };
  }

  /** Keeps a message once per idempotency key (the same key and body answer the same id), or fails as told. */
  private accept(
    provider: CaughtMessage['provider'],
    key: string | null,
    fingerprint: string,
    delayMs: number | undefined,
    message: Pick<CaughtMessage, 'from' | 'to' | 'subject' | 'text' | 'html'>,
  ): { id: string; delayMs: number | undefined } | { conflict: true } {
    const known = key ? this.byKey.get(`${provider} ${key}`) : undefined;
    if (known) return known.fingerprint === fingerprint ? { id: known.id, delayMs } : { conflict: true };
    const id = randomUUID();
    this.messages.push({ id, provider, ...message, sentAt: new Date().toISOString(), idempotencyKey: key });
    if (key) this.byKey.set(`${provider} ${key}`, { fingerprint, id });
    return { id, delayMs };
  }
}

const parse = (body: string): Record<string, unknown> | null => {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

const invalidResend = (message: string): MailAnswer => ({ status: 422, body: { statusCode: 422, name: 'validation_error', message } });
