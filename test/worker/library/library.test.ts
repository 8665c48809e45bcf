// "Email me my purchases": the request answers and works alike for every address (no account
// enumeration); the emailed link works once, for 15 minutes, for its address only, and signs the
// browser in with a revocable HttpOnly cookie to a library of every order of that address.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { Env, OutboxMessage } from '../../../worker/platform/env';
import { testApp, testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { inlineStyleSources } from '../support/html';
import { fileBytes, PDF_KEY, putFile } from '../delivery/support';
import { stripe as stripeApi } from '../support/on-sale';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

const SHOP = 'https://shop.example';
const mailEnv = (overrides: Partial<Env> = {}): Env =>
  testEnv({ EMAIL_API_KEY: 're_test_local', EMAIL_FROM: 'Fieldwork Supply <orders@shop.example>', EMAIL_API_BASE: env.FAKE_STRIPE_URL, SITE_URL: SHOP, ...overrides });

const buyer = () => `buyer-${crypto.randomUUID()}@example.com`;

async function mailTo(address: string): Promise<{ subject: string; text: string }[]> {
  const response = await fetch(`${env.FAKE_STRIPE_URL}/mail?to=${encodeURIComponent(address)}`, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { messages: { subject: string; text: string }[] }).messages;
}

const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  new Request(`${SHOP}${path}`, { method: 'POST', headers: { origin: SHOP, 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.7', ...headers }, body: new URLSearchParams(fields) });

async function buy(app: ReturnType<typeof testApp>, email: string) {
  const session = checkoutSession({ customer_email: email, customer_details: { ...fixture<Stripe.Checkout.Session>('checkout.session').customer_details!, email } });
  await app.send(await delivery(event('checkout.session.completed', session)), mailEnv());
  return session;
}

/** The link in the newest library email to `email`. */
async function emailedLink(email: string): Promise<URL> {
  const message = (await mailTo(email)).find((m) => m.subject.startsWith('Your purchases'));
  const link = /https:\/\/shop\.example\/library\/open\?token=\S+/.exec(message?.text ?? '')?.[0];
  if (!link) throw new Error(`no library link was emailed to ${email}`);
  return new URL(link);
}

async function signIn(app: ReturnType<typeof testApp>, link: URL, environment: Env = mailEnv()): Promise<Response> {
  return app.send(form('/library/open', { token: link.searchParams.get('token')! }), environment);
}

describe('asking for the library', () => {
  it('answers identically for a known and an unknown email (status, body, headers) and does the same work: the same D1 statements, round trips, rows read and written, and one queued email step each', async () => {
    const app = testApp();
    const known = buyer();
    await buy(app, known);
    const unknown = buyer();
    const answers = [];
    for (const email of [known, unknown]) {
      const counting = countingDb(env.DB);
      const queued: MessageSendRequest<OutboxMessage>[] = [];
      const outbox = {
        send: async (body: OutboxMessage) => void queued.push({ body }),
        sendBatch: async (messages: Iterable<MessageSendRequest<OutboxMessage>>) => void queued.push(...messages),
      } as unknown as Queue<OutboxMessage>;
      const ctx = createExecutionContext();
      // A client address of its own: the per-client limit is not what this test is about.
      const response = await app.app.fetch(form('/library', { email }, { 'cf-connecting-ip': `198.51.100.${Math.floor(Math.random() * 200)}` }), mailEnv({ DB: counting.db, OUTBOX: outbox }), ctx);
      await waitOnExecutionContext(ctx);
      const steps = await Promise.all(
        queued.map(({ body }) => env.DB.prepare(`SELECT kind, status, attempts, json_extract(payload, '$.template') AS template, json_extract(payload, '$.to') AS recipient FROM outbox WHERE id = ?`).bind(body.outboxId).first()),
      );
      answers.push({
        status: response.status,
        body: await response.text(),
        headers: [...response.headers.entries()],
        counts: { ...counting.counts },
        statements: counting.statements.map((s) => s.statement),
        queued: steps.map((step) => ({ ...step, recipient: step?.recipient === email ? 'the address asked for' : step?.recipient })),
      });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ status: 200, queued: [{ kind: 'email', status: 'pending', attempts: 0, template: 'library_link', recipient: 'the address asked for' }] });
    expect(answers[0]!.counts.rowsRead).toBeGreaterThan(0);
  });

  it('the email step sends the link to an address that bought, and nothing to one that did not', async () => {
    const app = testApp();
    const known = buyer();
    await buy(app, known);
    const unknown = buyer();
    await app.send(form('/library', { email: known.toUpperCase() }), mailEnv());
    await app.send(form('/library', { email: unknown }), mailEnv());
    expect((await mailTo(known)).map((m) => m.subject)).toContain('Your purchases at Fieldwork Supply');
    expect(await mailTo(unknown)).toEqual([]);
  });

  it('a fourth request for one address within 15 minutes is refused 429 and queues nothing', async () => {
    const app = testApp();
    const email = buyer();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.send(form('/library', { email }, { 'cf-connecting-ip': `192.0.2.${i}` }), mailEnv())).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const { results } = await env.DB.prepare(`SELECT id FROM outbox WHERE kind = 'email' AND json_extract(payload, '$.to') = ?`).bind(email).all();
    expect(results).toHaveLength(3);
  });

  it('a form from another site is refused 403 and queues nothing', async () => {
    const app = testApp();
    const email = buyer();
    const response = await app.send(form('/library', { email }, { origin: 'https://evil.example' }), mailEnv());
    expect(response.status).toBe(403);
    expect(await env.DB.prepare(`SELECT id FROM outbox WHERE json_extract(payload, '$.to') = ?`).bind(email).first()).toBeNull();
  });

  it("its pages have one inline style, the one the library's CSP allows by its hash", async () => {
    const response = await testApp().send(new Request(`${SHOP}/library`), mailEnv());
    const styles = await inlineStyleSources(await response.text());
    expect(styles).toHaveLength(1);
    expect(/style-src ([^;]+)/.exec(response.headers.get('content-security-policy') ?? '')?.[1]?.split(' ')).toContain(styles[0]);
  });

  it('an address that is not one is refused 400', async () => {
    const response = await testApp().send(form('/library', { email: 'not an address' }), mailEnv());
    expect(response.status).toBe(400);
  });
});

describe('the emailed link and the library', () => {
  it('opening it signs the browser in (HttpOnly, Secure, SameSite=Lax) to every order of that email, with fresh download links and licence keys', async () => {
    await putFile(PDF_KEY, fileBytes(100), 'application/pdf');
    const app = testApp();
    const email = buyer();
    const first = await buy(app, email);
    const second = await buy(app, email);
    const someoneElse = await buy(app, buyer());
    await app.send(form('/library', { email }), mailEnv());
    const link = await emailedLink(email);
    // GET shows a button only: a mail scanner's prefetch does not use the link up.
    expect((await app.send(new Request(link), mailEnv())).status).toBe(200);
    const opened = await signIn(app, link);
    expect(opened.status).toBe(303);
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^library_session=[A-Za-z0-9]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const page = await app.send(new Request(`${SHOP}/library`, { headers: { cookie: cookie.split(';')[0]! } }), mailEnv());
    const html = await page.text();
    expect(html).toContain(`data-order="${first.id}"`);
    expect(html).toContain(`data-order="${second.id}"`);
    expect(html).not.toContain(someoneElse.id);
    expect(html).toMatch(/href="\/downloads\/[^"]+\?expires=\d+&#38;signature=/);
    expect(html).toMatch(/[0-9A-Z]{5}(-[0-9A-Z]{5}){4}/);
  });

  it('reloads itself every 5 s while an order of the address is still settling (a delayed payment), and not once every order has', async () => {
    const app = testApp();
    const email = buyer();
    await buy(app, email);
    await app.send(form('/library', { email }), mailEnv());
    const cookie = (await signIn(app, await emailedLink(email))).headers.get('set-cookie')!.split(';')[0]!;
    const library = async () => (await app.send(new Request(`${SHOP}/library`, { headers: { cookie } }), mailEnv())).text();
    expect(await library()).not.toContain('http-equiv="refresh"');
    const pending = checkoutSession({ payment_status: 'unpaid', customer_email: email, customer_details: { ...fixture<Stripe.Checkout.Session>('checkout.session').customer_details!, email } });
    await app.send(await delivery(event('checkout.session.completed', pending)), mailEnv());
    const html = await library();
    expect(html).toContain(`data-order="${pending.id}"`);
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
  });

  it('a link works once', async () => {
    const app = testApp();
    const email = buyer();
    await buy(app, email);
    await app.send(form('/library', { email }), mailEnv());
    const link = await emailedLink(email);
    expect((await signIn(app, link)).status).toBe(303);
    const again = await signIn(app, link);
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('a link older than 15 minutes signs nobody in', async () => {
    const clock = Date.now();
    const app = testApp({ now: () => clock });
    const email = buyer();
    await buy(app, email);
    await app.send(form('/library', { email }), mailEnv());
    const link = await emailedLink(email);
    const later = testApp({ now: () => clock + 15 * 60_000 + 1 });
    expect((await signIn(later, link)).status).toBe(410);
  });

  it('signing out revokes the session: the cookie no longer opens the library', async () => {
    const app = testApp();
    const email = buyer();
    const bought = await buy(app, email);
    await app.send(form('/library', { email }), mailEnv());
    const cookie = (await signIn(app, await emailedLink(email))).headers.get('set-cookie')!.split(';')[0]!;
    await app.send(form('/library/sign-out', {}, { cookie }), mailEnv());
    const html = await (await app.send(new Request(`${SHOP}/library`, { headers: { cookie } }), mailEnv())).text();
    expect(html).not.toContain(bought.id);
    expect(html).toContain('Email me my purchases');
  });
});

describe('Manage subscription from the library', () => {
  const stripeEnv = () => mailEnv({ STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL });

  /** Portal sessions the fake Stripe created, with the customer each was for. */
  async function portalCreations(): Promise<unknown[]> {
    const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as { requests: { method: string; path: string; params: Record<string, unknown> }[] };
    return requests.filter((r) => r.method === 'POST' && r.path === '/v1/billing_portal/sessions').map((r) => r.params.customer);
  }

  /** An address that subscribed through Checkout: its order and its Stripe customer, as the webhooks report them. */
  async function subscriber(app: ReturnType<typeof testApp>, email: string) {
    const customer = await stripeApi.customers.create({ email });
    const subscriptionId = `sub_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}`;
    const session = checkoutSession({
      mode: 'subscription',
      subscription: subscriptionId,
      customer: customer.id,
      payment_intent: null,
      metadata: { product_id: 'field-notes-club' },
      customer_email: email,
      customer_details: { ...fixture<Stripe.Checkout.Session>('checkout.session').customer_details!, email },
    });
    // Without a Stripe key: the webhook takes the session as signed (with one, it would fetch it from Stripe).
    await app.send(await delivery(event('checkout.session.completed', session)), mailEnv());
    const base = fixture<Stripe.Subscription>('subscription');
    const items = { ...base.items, data: base.items.data.map((item) => ({ ...item, id: `si_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}` })) };
    await app.send(await delivery(event('customer.subscription.created', { ...base, id: subscriptionId, customer: customer.id, status: 'active', items })), mailEnv());
    return { orderId: session.id, customer: customer.id };
  }

  async function signedIn(app: ReturnType<typeof testApp>, email: string): Promise<string> {
    await app.send(form('/library', { email }), stripeEnv());
    return (await signIn(app, await emailedLink(email), stripeEnv())).headers.get('set-cookie')!.split(';')[0]!;
  }

  it("each subscription order in the library has a Manage subscription form that opens Stripe's portal for that order's customer (303, no JavaScript needed)", async () => {
    const app = testApp();
    const email = buyer();
    const { orderId, customer } = await subscriber(app, email);
    const cookie = await signedIn(app, email);
    const html = await (await app.send(new Request(`${SHOP}/library`, { headers: { cookie } }), stripeEnv())).text();
    expect(html).toContain(`<form method="post" action="/library/portal"><input type="hidden" name="order" value="${orderId}"><button type="submit">Manage subscription</button></form>`);
    const response = await app.send(form('/library/portal', { order: orderId }, { cookie }), stripeEnv());
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${env.FAKE_STRIPE_URL}/portal/bps_`));
    expect((await portalCreations()).at(-1)).toBe(customer);
  });

  it("the library's Content-Security-Policy lets its form follow the redirect to Stripe's portal (form-action https://billing.stripe.com), as deployed", async () => {
    const response = await testApp().send(new Request(`${SHOP}/library`), mailEnv({ STRIPE_API_BASE: undefined }));
    const formAction = /form-action ([^;]+)/.exec(response.headers.get('content-security-policy') ?? '')?.[1]?.split(' ');
    expect(formAction).toContain('https://billing.stripe.com');
    expect(formAction).toContain("'self'");
  });

  it("another address's subscription order is refused 404: a signed-in library opens no portal but its own", async () => {
    const app = testApp();
    const victim = await subscriber(app, buyer());
    const attacker = buyer();
    await subscriber(app, attacker);
    const cookie = await signedIn(app, attacker);
    const before = (await portalCreations()).length;
    const response = await app.send(form('/library/portal', { order: victim.orderId }, { cookie }), stripeEnv());
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('No subscription of this address');
    expect(await portalCreations()).toHaveLength(before);
  });

  it('without a signed-in library session it is refused 401 and opens no portal', async () => {
    const app = testApp();
    const { orderId } = await subscriber(app, buyer());
    const before = (await portalCreations()).length;
    const response = await app.send(form('/library/portal', { order: orderId }, { cookie: 'library_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), stripeEnv());
    expect(response.status).toBe(401);
    expect(await portalCreations()).toHaveLength(before);
  });
});
