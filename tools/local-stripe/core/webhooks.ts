// Delivers recorded events to their webhook endpoints one at a time, in the order they were
// recorded, each signed exactly as Stripe signs (`Stripe-Signature: t=…,v1=…`) with its
// endpoint's secret; retries a failed delivery on a compressed version of Stripe's backoff, and
// under `chaos` sends some events twice and out of order, as Stripe may.
import Stripe from 'stripe';
import type { StripeObject, WebhookDelivery, WebhookTarget } from './types';

/** The hosts a webhook may go to: by the parsed URL's hostname, so `127.evil.example` is not one. */
const THIS_MACHINE = ['127.0.0.1', '[::1]', 'localhost'];

export function isThisMachine(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && THIS_MACHINE.includes(hostname);
}

/** Stripe retries a failed delivery for up to three days; locally the same curve, in seconds. */
export const LOCAL_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

export interface WebhookSenderOptions {
  log: (message: string) => void;
  /** Waits before each retry of a delivery that failed (non-2xx or no answer); [] never retries. */
  retryDelaysMs?: readonly number[];
  /** Deliver some events twice and in a shuffled order, as Stripe may. */
  chaos?: boolean;
  /** For chaos: a number in [0, 1). */
  random?: () => number;
}

/** How long chaos holds events before sending them shuffled. */
const CHAOS_WINDOW_MS = 300;

export class WebhookSender {
  /** The tests' own target (setWebhook, /__fake/webhook), beside the API's webhook endpoints. */
  target: WebhookTarget | null = null;
  /** Every attempt, failed or not, in order. */
  deliveries: WebhookDelivery[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Bumped by reset(): deliveries queued before it are dropped. */
  private generation = 0;
  private closed = false;
  private readonly inflight = new Set<AbortController>();
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private held: { event: StripeObject; target: WebhookTarget }[] = [];
  private heldTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly log: (message: string) => void;
  private readonly retryDelaysMs: readonly number[];
  private readonly chaos: boolean;
  private readonly random: () => number;

  constructor(options: WebhookSenderOptions) {
    this.log = options.log;
    this.retryDelaysMs = options.retryDelaysMs ?? LOCAL_RETRY_DELAYS_MS;
    this.chaos = options.chaos ?? false;
    this.random = options.random ?? Math.random;
  }

  setTarget(webhook: WebhookTarget | null): void {
    if (webhook) {
      if (!isThisMachine(webhook.url)) throw new Error(`the local Stripe delivers webhooks only to http(s) URLs on 127.0.0.1, ::1 or localhost, not ${webhook.url}`);
      if (!webhook.secret) throw new Error('webhook secret required');
    }
    this.target = webhook ? { url: webhook.url, secret: webhook.secret } : null;
  }

  reset(): void {
    this.deliveries = [];
    this.generation++;
    this.cancelTimers();
    this.held = [];
  }

  /** Where an event goes: the tests' target, if set, then the endpoints (each subscribed to it). */
  targetsWith(endpoints: readonly WebhookTarget[]): WebhookTarget[] {
    return [...(this.target ? [this.target] : []), ...endpoints];
  }

  /** Queues an event for delivery to each target (held and shuffled first under chaos). */
  send(event: StripeObject, targets: readonly WebhookTarget[]): void {
    for (const target of targets) {
      if (!this.chaos) {
        this.enqueue(event, target, 1);
        continue;
      }
      this.held.push({ event, target });
      if (this.random() < 0.3) this.held.push({ event, target });
      this.heldTimer ??= setTimeout(() => this.release(), CHAOS_WINDOW_MS);
    }
  }

  /** Resolves once every queued delivery has been attempted, including ones queued meanwhile (not retries still waiting). */
  async flush(): Promise<void> {
    this.release();
    let chain: Promise<void>;
    do {
      chain = this.chain;
      await chain;
    } while (chain !== this.chain);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimers();
    for (const controller of this.inflight) controller.abort();
    await this.chain.catch(() => {});
  }

  private cancelTimers(): void {
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
  }

  private release(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    const events = this.held;
    this.held = [];
    // Fisher–Yates: any order is as likely as any other
    for (let i = events.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
    for (const { event, target } of events) this.enqueue(event, target, 1);
  }

  private enqueue(event: StripeObject, target: WebhookTarget, attempt: number): void {
    const generation = this.generation;
    const payload = JSON.stringify(event, null, 2);
    const delivery = this.chain.then(async () => {
      if (this.closed || generation !== this.generation) return;
      const ok = await this.deliver(event, payload, target, attempt);
      const delay = this.retryDelaysMs[attempt - 1];
      if (ok || delay === undefined || this.closed) return;
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        if (generation === this.generation) this.enqueue(event, target, attempt + 1);
      }, delay);
      this.retryTimers.add(timer);
    });
    this.chain = delivery.catch(() => {});
  }

  /** One attempt, signed afresh (a retry carries a new timestamp, as Stripe's do); true on a 2xx. */
  private async deliver(event: StripeObject, payload: string, target: WebhookTarget, attempt: number): Promise<boolean> {
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), 15_000);
    const record: WebhookDelivery = { eventId: event.id, type: event.type, url: target.url, endpoint: target.endpoint ?? null, attempt, status: null, ok: false, responseBody: null, error: null, deliveredAt: Date.now() };
    try {
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: target.secret });
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'cache-control': 'no-cache',
          accept: '*/*; q=0.5, application/xml',
        },
        body: payload,
        signal: controller.signal,
      });
      record.status = response.status;
      record.ok = response.ok;
      record.responseBody = (await response.text()).slice(0, 2048);
      if (!response.ok) this.log(`webhook ${event.type} ${event.id} (attempt ${attempt}) → ${target.url} answered ${response.status}: ${record.responseBody.slice(0, 200)}`);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      this.log(`webhook ${event.type} ${event.id} (attempt ${attempt}) → ${target.url} failed: ${record.error}`);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    this.deliveries.push(record);
    return record.ok;
  }
}
