// Delivers recorded events to the webhook endpoint one at a time, in the order they were
// recorded, each signed exactly as Stripe signs (`Stripe-Signature: t=…,v1=…`).
import Stripe from 'stripe';
import type { StripeObject, WebhookDelivery, WebhookTarget } from './types';

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}

export class WebhookSender {
  target: WebhookTarget | null = null;
  /** Every attempt, failed or not, in order. */
  deliveries: WebhookDelivery[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Bumped by reset(): deliveries queued before it are dropped. */
  private generation = 0;
  private closed = false;
  private readonly inflight = new Set<AbortController>();

  constructor(private readonly log: (message: string) => void) {}

  setTarget(webhook: WebhookTarget | null): void {
    if (webhook) {
      if (!isLoopback(webhook.url)) throw new Error(`the local Stripe only delivers webhooks to loopback URLs, not ${webhook.url}`);
      if (!webhook.secret) throw new Error('webhook secret required');
    }
    this.target = webhook ? { url: webhook.url, secret: webhook.secret } : null;
  }

  reset(): void {
    this.deliveries = [];
    this.generation++;
  }

  send(event: StripeObject): void {
    const target = this.target;
    if (!target) return;
    const generation = this.generation;
    const payload = JSON.stringify(event, null, 2);
    const delivery = this.chain.then(() => (this.closed || generation !== this.generation ? undefined : this.deliver(event, payload, target)));
    this.chain = delivery.catch(() => {});
  }

  /** Resolves once every queued delivery has been attempted, including ones queued meanwhile. */
  async flush(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.chain;
      await chain;
    } while (chain !== this.chain);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.inflight) controller.abort();
    await this.chain.catch(() => {});
  }

  private async deliver(event: StripeObject, payload: string, target: WebhookTarget): Promise<void> {
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), 15_000);
    const record: WebhookDelivery = { eventId: event.id, type: event.type, url: target.url, status: null, ok: false, responseBody: null, error: null, deliveredAt: Date.now() };
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
      if (!response.ok) this.log(`webhook ${event.type} ${event.id} → ${target.url} answered ${response.status}: ${record.responseBody.slice(0, 200)}`);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      this.log(`webhook ${event.type} ${event.id} → ${target.url} failed: ${record.error}`);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    this.deliveries.push(record);
  }
}
