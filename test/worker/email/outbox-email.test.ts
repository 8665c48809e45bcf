// Transactional email through the outbox: a receipt per fulfilled order, exactly once whatever
// events arrive, retried through a provider's 5xx or timeout without doubling, sent to the local
// mail catcher (tools/local-stripe) speaking Resend's and Postmark's APIs.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { MAX_OUTBOX_ATTEMPTS } from '../../../worker/outbox/carry-out';
import type { Env } from '../../../worker/platform/env';
import { bodyOf, testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

interface Caught {
  to: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
  provider: string;
}

const mailEnv = (overrides: Partial<Env> = {}): Env =>
  testEnv({ EMAIL_API_KEY: 're_test_local', EMAIL_FROM: 'Fieldwork Supply <orders@shop.example>', EMAIL_API_BASE: env.FAKE_STRIPE_URL, SITE_URL: 'https://shop.example', ...overrides });

async function mailTo(address: string): Promise<Caught[]> {
  const response = await fetch(`${env.FAKE_STRIPE_URL}/mail?to=${encodeURIComponent(address)}`, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { messages: Caught[] }).messages;
}

async function failNextSends(body: Record<string, unknown>) {
  const response = await fetch(`${env.FAKE_STRIPE_URL}/__fake/mail/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

const buyer = () => `buyer-${crypto.randomUUID()}@example.com`;
const emailRow = (subject: string) =>
  env.DB.prepare(`SELECT status, attempts, last_error FROM outbox WHERE kind = 'email' AND subject = ?`).bind(subject).first<{ status: string; attempts: number; last_error: string | null }>();

function sessionFor(email: string, overrides: Partial<Stripe.Checkout.Session> = {}) {
  return checkoutSession({ customer_email: email, customer_details: { ...fixture<Stripe.Checkout.Session>('checkout.session').customer_details!, email }, ...overrides });
}

describe('the receipt', () => {
  it('a paid mug (physical) awaiting shipment gets its receipt, naming the shipping cost and the address it ships to', async () => {
    const app = testApp();
    const to = buyer();
    const base = sessionFor(to, { metadata: { product_id: 'enamel-mug' }, amount_subtotal: 1800, amount_total: 2300 });
    const session = {
      ...base,
      shipping_cost: { amount_subtotal: 500, amount_tax: 0, amount_total: 500, shipping_rate: 'shr_1Pgc7AB7WZ01zgkWVPt4WhMx' },
      total_details: { amount_discount: 0, amount_shipping: 500, amount_tax: 0 },
      collected_information: { business_name: null, individual_name: null, shipping_details: { name: 'Ada Lovelace', address: { line1: '12 Harbour Lane', line2: null, city: 'Portsmouth', state: 'NH', postal_code: '03801', country: 'US' } } },
    } as Stripe.Checkout.Session;
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv());
    const mail = await mailTo(to);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('Shipping  $5.00');
    expect(mail[0]!.text).toContain('Total  $23.00');
    expect(mail[0]!.text).toContain('We will ship your order to:\nAda Lovelace\n12 Harbour Lane\nPortsmouth NH 03801\nUS');
  });


  it('duplicated and shuffled session events send exactly one receipt, with the order page link, lines, total and licence key', async () => {
    const app = testApp();
    const to = buyer();
    const session = sessionFor(to);
    const events = [
      event('checkout.session.async_payment_succeeded', session),
      event('checkout.session.completed', { ...session, payment_status: 'unpaid' }),
      event('checkout.session.completed', session),
    ];
    const deliveries = [events[2]!, events[0]!, events[2]!, events[1]!, events[0]!];
    for (const sent of deliveries) await app.send(await delivery(sent), mailEnv());
    const mail = await mailTo(to);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Your receipt from Fieldwork Supply');
    expect(mail[0]!.text).toContain(`https://shop.example/success?session_id=${session.id}`);
    expect(mail[0]!.text).toContain('$12.00');
    expect(mail[0]!.text).toMatch(/Field Notes Pattern Pack: [0-9A-Z]{5}(-[0-9A-Z]{5}){4}/);
    expect(mail[0]!.html).toContain(`https://shop.example/success?session_id=${session.id}`);
    // Never a bare, expiring file link.
    expect(mail[0]!.text).not.toContain('/downloads/');
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('a provider 5xx is retried with backoff, and the retry sends one message', async () => {
    const app = testApp();
    const to = buyer();
    const session = sessionFor(to);
    await failNextSends({ count: 1, status: 503 });
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv());
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('resend answered 503') });
    expect(await mailTo(to)).toHaveLength(0);
    await app.redeliverRetries(mailEnv(), 10_000);
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await mailTo(to)).toHaveLength(1);
  });

  it('a provider that kept the message but answered too late is retried with the same idempotency key: one message', async () => {
    const app = testApp();
    const to = buyer();
    const session = sessionFor(to);
    await failNextSends({ count: 1, mode: 'slow', delayMs: 1500 });
    const slow = mailEnv({ EMAIL_TIMEOUT_MS: '200' });
    await app.send(await delivery(event('checkout.session.completed', session)), slow);
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('resend did not answer') });
    await app.redeliverRetries(slow, 10_000);
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await mailTo(to)).toHaveLength(1);
  });

  it('Postmark, chosen by EMAIL_PROVIDER, gets the receipt at POST /email', async () => {
    const app = testApp();
    const to = buyer();
    const session = sessionFor(to);
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv({ EMAIL_PROVIDER: 'postmark' }));
    const mail = await mailTo(to);
    expect(mail.map((message) => message.provider)).toEqual(['postmark']);
  });

  it('without a provider the order is fulfilled, its email row is dead at once with the reason, and nothing is sent', async () => {
    const app = testApp();
    const to = buyer();
    const session = sessionFor(to);
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv({ EMAIL_API_KEY: undefined }));
    expect(await env.DB.prepare('SELECT status FROM orders WHERE id = ?').bind(session.id).first()).toEqual({ status: 'fulfilled' });
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'dead', attempts: 1, last_error: expect.stringContaining('no email provider is configured') });
    expect(await mailTo(to)).toHaveLength(0);
    expect(MAX_OUTBOX_ATTEMPTS).toBeGreaterThan(1);
  });

  it("an email that gave up is on the health page: counted with the side effects given up, the warning and the red check naming emails and Resend receipt", async () => {
    const app = testApp();
    const session = sessionFor(buyer());
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv({ EMAIL_API_KEY: undefined }));
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'dead' });
    const health = await bodyOf(app.client(mailEnv({ SYNC_TOKEN: 'health-token' }), { headers: { authorization: 'Bearer health-token' } }).api.admin.health.$get());
    expect(health.deadOutboxRows).toBeGreaterThan(0);
    expect(health.warnings).toContainEqual(expect.stringMatching(/side effect\(s\) \(deliveries, revocations, emails\) gave up after their retries/));
    expect(health.checks.find((check) => check.id === 'outbox:dead')).toMatchObject({ ok: false, fix: expect.stringContaining('Resend receipt') });
  });

  it('a sender that is not an address is refused: nothing is sent, the row says why', async () => {
    const app = testApp();
    const to = buyer();
    const session = sessionFor(to);
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv({ EMAIL_FROM: 'orders at shop' }));
    expect(await emailRow(`receipt:${session.id}`)).toMatchObject({ status: 'dead', last_error: expect.stringContaining('EMAIL_FROM "orders at shop" is not an address') });
    expect(await mailTo(to)).toHaveLength(0);
  });
});

describe('the other notices', () => {
  it('a delayed payment sends "on its way", then "failed" when it fails; never a receipt', async () => {
    const app = testApp();
    const to = buyer();
    const session = sessionFor(to, { payment_status: 'unpaid' });
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv());
    await app.send(await delivery(event('checkout.session.async_payment_failed', session)), mailEnv());
    const subjects = (await mailTo(to)).map((message) => message.subject).reverse();
    expect(subjects).toEqual(['Your order at Fieldwork Supply: payment on its way', 'Your order at Fieldwork Supply: the payment failed']);
  });

  it('a full refund of a fulfilled order sends the access-ended notice once, after the receipt', async () => {
    const app = testApp();
    const to = buyer();
    const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    const session = sessionFor(to, { payment_intent: paymentIntent });
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv());
    const refund = event('charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, refunded: true });
    await app.send(await delivery(refund), mailEnv());
    await app.send(await delivery(refund), mailEnv());
    const mail = (await mailTo(to)).reverse();
    expect(mail.map((message) => message.subject)).toEqual(['Your receipt from Fieldwork Supply', 'Your order at Fieldwork Supply: access ended']);
    expect(mail[1]!.text).toContain('because it was refunded');
  });
});
