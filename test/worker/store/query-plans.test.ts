// Every query on a hot path uses an index: its cost stays flat as orders, events and
// products pile up. Each scenario runs through the real routes with a D1 binding that
// keeps the statements it ran; each statement's EXPLAIN QUERY PLAN must not scan a table.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { hc } from 'hono/client';
import { createApp, type AppType } from '../../../worker/app';
import { carryOut } from '../../../worker/outbox/carry-out';
import { bodyOf, testApp, testEnv } from '../support/app';
import { newBuyer } from '../support/buyer';
import { countingDb, type RanStatement } from '../support/counting-db';
import { SEARCH_WINDOW } from '../../../worker/store/orders';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

async function planOf(ran: RanStatement): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${ran.statement}`)
    .bind(...ran.params)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

/**
 * Plan lines that read a whole table: a scan, or an automatic index (SQLite builds it by reading every
 * row, per statement). Table-valued json_each, constant rows and the statement's own subqueries
 * (co-routines) are not tables.
 */
async function tableScans(ran: RanStatement): Promise<string[]> {
  const plan = await planOf(ran);
  const subqueries = plan.flatMap((detail) => /^CO-ROUTINE (\w+)/.exec(detail)?.[1] ?? []);
  return plan.filter(
    (detail) =>
      /AUTOMATIC/.test(detail) ||
      (/^SCAN /.test(detail) && !/^SCAN (json_each|CONSTANT ROW)/.test(detail) && !/^SCAN paid\b/.test(detail) && !subqueries.some((name) => detail === `SCAN ${name}`)),
  );
}

/** The plan of the one statement matching `pattern` among those that ran. */
async function planOfStatement(statements: RanStatement[], pattern: RegExp): Promise<string[]> {
  const matching = statements.filter((ran) => pattern.test(ran.statement));
  expect(matching.length, String(pattern)).toBeGreaterThan(0);
  return planOf(matching[0]!);
}

async function run(request: Request | Promise<Request>) {
  const { db, statements } = countingDb(env.DB);
  const ctx = createExecutionContext();
  const response = await createApp().fetch(await request, testEnv({ DB: db }), ctx);
  await waitOnExecutionContext(ctx);
  return { response, statements, db };
}

/** The app as a typed client whose every call goes through `run`: `ran()` is the last call's statements. */
function runClient() {
  let last: RanStatement[] = [];
  const client = hc<AppType>('https://shop.example', {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const { response, statements } = await run(new Request(input, init));
      last = statements;
      return response;
    },
  });
  return { api: client.api, ran: () => last };
}

const LEDGER_TOTAL = 'SELECT count(*) AS n FROM stripe_events';

async function expectIndexed(statements: RanStatement[]) {
  expect(statements.length).toBeGreaterThan(0);
  for (const ran of statements) {
    // The assertion insert goes through a view's trigger: nothing to plan.
    if (/ledger_claim_won/.test(ran.statement)) continue;
    // The ledger's counts: the processed ones are all events but the unsettled, and a count of all
    // reads one entry of the smallest index per event — as counting them by a status index did.
    if (ran.statement === LEDGER_TOTAL) {
      expect(await planOf(ran)).toEqual([expect.stringMatching(/^SCAN stripe_events USING COVERING INDEX /)]);
      continue;
    }
    expect(await tableScans(ran), ran.statement.replace(/\s+/g, ' ')).toEqual([]);
  }
}

describe('the scan check', () => {
  it('catches a query that reads a whole table', async () => {
    expect(await tableScans({ statement: 'SELECT id FROM orders WHERE customer_email = ?', params: ['ada@example.com'] })).toEqual([expect.stringMatching(/^SCAN orders/)]);
  });
});

describe('hot-path queries use indexes (EXPLAIN QUERY PLAN)', () => {
  const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
  const session = checkoutSession({ payment_intent: paymentIntent });

  it('a paid checkout webhook', async () => {
    const { response, statements } = await run(delivery(event('checkout.session.completed', session)));
    expect(response.status).toBe(200);
    await expectIndexed(statements);
  });

  it('the order lookup', async () => {
    const { response, statements } = await run(new Request(`https://shop.example/api/orders/${session.id}`));
    expect(response.status).toBe(200);
    await expectIndexed(statements);
  });

  it('the entitlements of a proven buyer', async () => {
    const buyer = await newBuyer();
    await run(delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: buyer.id }))));
    const { response, statements } = await run(new Request(`https://shop.example/api/entitlements/${buyer.id}`, { headers: buyer.headers }));
    expect(response.status).toBe(200);
    await expectIndexed(statements);
    // By the buyer's index, not by status (an index of status would read every fulfilled order).
    expect(await planOfStatement(statements, /LEFT JOIN order_line_items li/)).toContain('SEARCH o USING INDEX orders_by_client_reference (client_reference_id=?)');
  });

  it("the entitlements read the buyer's own orders, not every fulfilled order", async () => {
    // An index on status alone also fits `status = 'fulfilled'` (and the ORDER BY): the plan
    // shows SEARCH, yet it walks every fulfilled order of the shop.
    const others = 300;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO orders (id, status, client_reference_id, product_id, amount_total, currency, mode, livemode, fulfilled_at, created_at, updated_at)
       SELECT printf('cs_test_other%08d', i), 'fulfilled', printf('other_buyer_%d', i), 'field-notes', 1200, 'usd', 'payment', 0, i, i, i FROM n`,
    )
      .bind(others)
      .run();
    const buyer = await newBuyer();
    await run(delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: buyer.id }))));
    const { db, counts } = countingDb(env.DB);
    const client = hc<AppType>('https://shop.example', { fetch: (input: RequestInfo | URL, init?: RequestInit) => createApp().fetch(new Request(input, init), testEnv({ DB: db }), createExecutionContext()) });
    const held = await bodyOf(client.api.entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: buyer.id } }, { headers: buyer.headers }));
    expect(held.products).toHaveLength(1);
    expect(counts.rowsRead).toBeLessThan(others / 10);
  });

  it('one product for its page', async () => {
    const { response, statements } = await run(new Request('https://shop.example/api/catalog/products/field-notes'));
    expect([200, 404]).toContain(response.status);
    await expectIndexed(statements);
    // Each candidate by its primary key, not every live product through stripe_products_live.
    expect(await planOfStatement(statements, /CROSS JOIN stripe_products p/)).toContain('SEARCH p USING INDEX sqlite_autoindex_stripe_products_1 (id=?)');
  });

  it('a product page', async () => {
    const { builtAssets } = await import('../support/assets');
    const { db, statements } = countingDb(env.DB);
    const ctx = createExecutionContext();
    const response = await createApp().fetch(new Request('https://shop.example/products/field-notes'), testEnv({ DB: db, ASSETS: builtAssets() }), ctx);
    await waitOnExecutionContext(ctx);
    expect([200, 404]).toContain(response.status);
    expect(statements.some((ran) => /EXISTS/.test(ran.statement))).toBe(true);
    await expectIndexed(statements);
    expect(await planOfStatement(statements, /CROSS JOIN stripe_products p/)).toContain('SEARCH p USING INDEX sqlite_autoindex_stripe_products_1 (id=?)');
  });

  it('a download: the order by its delivery token, its lines, the guarded count', async () => {
    const { findProduct } = await import('../../../catalog');
    const key = findProduct('field-notes')!.files![0]!.key;
    await env.FILES!.put(key, new Uint8Array(64));
    const order = await bodyOf(runClient().api.orders[':sessionId'].$get({ param: { sessionId: session.id } }));
    const { response, statements } = await run(new Request(`https://shop.example${order.downloads[0]!.url}`));
    expect(response.status).toBe(200);
    expect(statements.some((ran) => /INSERT INTO download_counts/.test(ran.statement))).toBe(true);
    await expectIndexed(statements);
  });

  it("a subscriber's order lookup, download and entitlements read the subscription by its primary key", async () => {
    const { findProduct } = await import('../../../catalog');
    await env.FILES!.put(findProduct('field-notes-club')!.files![0]!.key, new Uint8Array(64));
    const buyer = await newBuyer();
    const subscriptionId = `sub_plan_${crypto.randomUUID().slice(0, 8)}`;
    const subscribed = checkoutSession({ client_reference_id: buyer.id, mode: 'subscription', subscription: subscriptionId, payment_intent: null, metadata: { product_id: 'field-notes-club' }, amount_subtotal: 500, amount_total: 500 });
    await run(delivery(event('checkout.session.completed', subscribed)));
    const base = fixture<Stripe.Subscription>('subscription');
    const items = { ...base.items, data: base.items.data.map((item) => ({ ...item, id: `si_${subscriptionId}` })) };
    expect((await run(delivery(event('customer.subscription.created', { ...base, id: subscriptionId, status: 'active', items })))).response.status).toBe(200);

    const planned = runClient();
    const order = await bodyOf(planned.api.orders[':sessionId'].$get({ param: { sessionId: subscribed.id } }));
    await expectIndexed(planned.ran());
    expect(await planOfStatement(planned.ran(), /FROM stripe_subscriptions s WHERE s\.id IN/)).toContain('SEARCH s USING INDEX sqlite_autoindex_stripe_subscriptions_1 (id=?)');

    const download = await run(new Request(`https://shop.example${order.downloads[0]!.url}`));
    expect(download.response.status).toBe(200);
    await expectIndexed(download.statements);
    expect(await planOfStatement(download.statements, /FROM stripe_subscriptions s WHERE s\.id = \?/)).toContain('SEARCH s USING INDEX sqlite_autoindex_stripe_subscriptions_1 (id=?)');

    const held = await bodyOf(planned.api.entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: buyer.id } }, { headers: buyer.headers }));
    expect(held.subscriptions).toHaveLength(1);
    await expectIndexed(planned.ran());
    expect(await planOfStatement(planned.ran(), /LEFT JOIN stripe_subscriptions s/)).toContain('SEARCH o USING INDEX orders_by_client_reference (client_reference_id=?)');
  });

  it('a paid order of a pool-licensed product takes a pool key', async () => {
    await env.DB.prepare("INSERT INTO licence_keys (product_id, key, source, added_at) VALUES ('trail-map-print', ?, 'pool', 0)").bind(`PLAN-${crypto.randomUUID()}`).run();
    const pooled = checkoutSession({ metadata: { product_id: 'trail-map-print' }, amount_subtotal: 2400, amount_total: 2400 });
    const { response, statements } = await run(delivery(event('checkout.session.completed', pooled)));
    expect(response.status).toBe(200);
    expect(statements.some((ran) => /UPDATE licence_keys/.test(ran.statement))).toBe(true);
    await expectIndexed(statements);
  });

  it('a refund webhook', async () => {
    const refund = { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, refunded: true };
    const { response, statements } = await run(delivery(event('charge.refunded', refund)));
    expect(response.status).toBe(200);
    await expectIndexed(statements);
  });

  it('a price webhook', async () => {
    const price = { ...fixture<Stripe.Price>('price'), id: `price_plan_${crypto.randomUUID().slice(0, 8)}` };
    const { response, statements } = await run(delivery(event('price.updated', price)));
    expect(response.status).toBe(200);
    await expectIndexed(statements);
  });

  it('carrying out an outbox row', async () => {
    const { db, statements } = countingDb(env.DB);
    const row = await env.DB.prepare(`SELECT id FROM outbox WHERE subject = ? AND kind = 'delivered'`).bind(session.id).first<{ id: number }>();
    const { defaultDependencies } = await import('../../../worker/app');
    await carryOut(row!.id, testEnv({ DB: db }), defaultDependencies());
    await expectIndexed(statements);
  });
});

describe('back-office queries use indexes (EXPLAIN QUERY PLAN): a page costs the same at 1k or 100k orders', () => {
  const auth = { authorization: 'Bearer plan-token' };
  const admin = async (path: string) => {
    const { db, statements } = countingDb(env.DB);
    const ctx = createExecutionContext();
    const response = await createApp().fetch(new Request(`https://shop.example/api/admin/${path}`, { headers: auth }), testEnv({ DB: db, SYNC_TOKEN: 'plan-token' }), ctx);
    await waitOnExecutionContext(ctx);
    return { response, statements };
  };
  const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
  const session = checkoutSession({ payment_intent: paymentIntent, client_reference_id: 'plan_buyer', customer_details: { email: 'plan@example.com' } as never });

  it.each([
    ['the first page of orders', 'orders'],
    ['a later page of orders', `orders?cursor=${encodeURIComponent(`${Date.now()}~cs_test_a1zzz`)}`],
    ['a page of orders of one status', 'orders?status=fulfilled'],
    ['a page of orders not fulfilled', 'orders?status=refunded'],
    ['a later page of one status', `orders?status=refunded&cursor=${encodeURIComponent(`${Date.now()}~cs_test_a1zzz`)}`],
    ['a search by session id', () => `orders?q=${session.id}`],
    ['a search by payment intent', `orders?q=${paymentIntent}`],
    ['a search by email', 'orders?q=PLAN%40example.com'],
    ['a search by client reference', 'orders?q=plan_buyer'],
    ['a search by the beginning of an email', 'orders?q=plan%40'],
    ['a search by a name (an email\'s beginning, a client reference)', 'orders?q=plan'],
    ['the customer view by email', 'customers?email=PLAN%40example.com'],
    ['a later page of the customer view', `customers?email=plan%40example.com&cursor=${encodeURIComponent(`${Date.now()}~cs_test_a1zzz`)}`],
    ['the subscriptions view', 'subscriptions'],
    ['a later page of the subscriptions view', `subscriptions?cursor=${encodeURIComponent(`${Date.now()}~cs_test_a1zzz`)}`],
    ['the CSV export of a date range', 'orders.csv?from=2026-01-01&to=2026-12-31'],
    ['a later page of the CSV export', `orders.csv?from=2026-01-01&to=2026-12-31&cursor=${encodeURIComponent(`${Date.now()}~cs_test_a1zzz`)}`],
    ['the totals', 'totals'],
    ['an order in full (its ledger history, actions, outbox)', () => `orders/${session.id}`],
    ['the ledger', 'events'],
    ['a later page of the ledger', `events?cursor=${encodeURIComponent(`${Date.now()}~evt_zzz`)}`],
    ['the ledger by status', 'events?status=failed'],
    ['the processed events', 'events?status=processed'],
    ['the ignored events', 'events?status=ignored'],
    ['the ledger by type', 'events?type=charge.refunded'],
    ['the dead-lettered events', 'events?deadLettered=1'],
  ])('%s', async (_name, path) => {
    await run(delivery(event('checkout.session.completed', session)));
    const { response, statements } = await admin(typeof path === 'function' ? path() : path);
    expect(response.status).toBe(200);
    await expectIndexed(statements);
  });
});

describe('a search by domain or product name reads a fixed window of the newest orders, not the table', () => {
  it.each([
    ['a domain', 'example.com'],
    ['a product name', 'trail map'],
  ])('%s: the newest orders through orders_by_created, each one\'s lines by primary key; nothing else scans', async (_name, q) => {
    const { db, statements } = countingDb(env.DB);
    const ctx = createExecutionContext();
    const response = await createApp().fetch(new Request(`https://shop.example/api/admin/orders?q=${encodeURIComponent(q)}`, { headers: { authorization: 'Bearer plan-token' } }), testEnv({ DB: db, SYNC_TOKEN: 'plan-token' }), ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    const windowed = statements.filter((ran) => /FROM \(SELECT \* FROM orders ORDER BY created_at DESC, id DESC LIMIT \?1\) AS recent/.test(ran.statement));
    expect(windowed.length).toBeGreaterThan(0);
    for (const ran of windowed) {
      const scans = await tableScans(ran);
      // The window's one scan walks orders_by_created from the newest and stops at SEARCH_WINDOW rows.
      expect(scans).toEqual(['SCAN orders USING INDEX orders_by_created']);
      expect(ran.params[0]).toBe(SEARCH_WINDOW);
    }
    await expectIndexed(statements.filter((ran) => !windowed.includes(ran)));
  });
});

describe('the subscriptions view reads only its page', () => {
  it('through the partial index of orders that started a subscription, not every order', async () => {
    const { db, statements } = countingDb(env.DB);
    const ctx = createExecutionContext();
    const response = await createApp().fetch(new Request('https://shop.example/api/admin/subscriptions?limit=5', { headers: { authorization: 'Bearer plan-token' } }), testEnv({ DB: db, SYNC_TOKEN: 'plan-token' }), ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect((await planOfStatement(statements, /FROM orders o INDEXED BY orders_with_subscription/)).join('\n')).toMatch(/SEARCH o USING INDEX orders_with_subscription \(/);
  });
});

describe("the buyer's receipt and library use indexes (EXPLAIN QUERY PLAN)", () => {
  const SHOP = 'https://shop.example';
  const mailed = (db: D1Database) =>
    testEnv({ DB: db, EMAIL_API_KEY: 're_test_local', EMAIL_FROM: 'Fieldwork Supply <orders@shop.example>', EMAIL_API_BASE: env.FAKE_STRIPE_URL, SITE_URL: SHOP, SYNC_TOKEN: 'plan-token' });
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    new Request(`${SHOP}${path}`, { method: 'POST', headers: { origin: SHOP, 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.9', ...headers }, body: new URLSearchParams(fields) });
  const buyerEmail = () => `plan-library-${crypto.randomUUID()}@example.com`;
  const paidBy = (email: string) => checkoutSession({ customer_email: email, customer_details: { ...fixture<Stripe.Checkout.Session>('checkout.session').customer_details!, email } });

  /** Sends `request` through the app (its outbox rows carried out by the real consumer), keeping every statement both ran. */
  async function sent(app: ReturnType<typeof testApp>, request: Request) {
    const { db, statements } = countingDb(env.DB);
    const response = await app.send(request, mailed(db));
    return { response, statements };
  }

  async function libraryLinkOf(email: string): Promise<string> {
    const response = await fetch(`${env.FAKE_STRIPE_URL}/mail?to=${encodeURIComponent(email)}`, { headers: { accept: 'application/json' } });
    const { messages } = (await response.json()) as { messages: { subject: string; text: string }[] };
    const token = /\/library\/open\?token=([A-Za-z0-9_-]+)/.exec(messages.find((m) => m.subject.startsWith('Your purchases'))?.text ?? '')?.[1];
    if (!token) throw new Error(`no library link was emailed to ${email}`);
    return token;
  }

  it('a paid order queues its receipt and the email step composes it: the order by its primary key', async () => {
    const app = testApp();
    const { response, statements } = await sent(app, await delivery(event('checkout.session.completed', paidBy(buyerEmail()))));
    expect(response.status).toBe(200);
    expect(statements.some((ran) => /json_object\('template', \?3, 'order', id\)/.test(ran.statement))).toBe(true);
    await expectIndexed(statements);
  });

  it('asking for the library: both counters by their key, the email step queued (no read of orders)', async () => {
    // The request alone (no outbox consumer): whether the address bought is the email step's question.
    const { response, statements } = await run(form('/library', { email: buyerEmail() }));
    expect(response.status).toBe(200);
    await expectIndexed(statements);
    expect(statements.some((ran) => /FROM orders/.test(ran.statement))).toBe(false);
  });

  it("the library link's email step asks whether the address bought by orders_by_customer_email", async () => {
    const app = testApp();
    const email = buyerEmail();
    await app.send(await delivery(event('checkout.session.completed', paidBy(email))), mailed(env.DB));
    const { statements } = await sent(app, form('/library', { email }));
    expect(statements.some((ran) => /INSERT INTO library_links/.test(ran.statement))).toBe(true);
    await expectIndexed(statements);
    expect(await planOfStatement(statements, /SELECT 1 AS found FROM orders/)).toEqual([expect.stringMatching(/^SEARCH orders USING (COVERING )?INDEX orders_by_customer_email \(<expr>=\?\)$/)]);
  });

  it('opening the link, the library and signing out: the link and the session by their hash, the orders by orders_by_customer_email', async () => {
    const app = testApp();
    const email = buyerEmail();
    await app.send(await delivery(event('checkout.session.completed', paidBy(email))), mailed(env.DB));
    await app.send(await delivery(event('checkout.session.completed', paidBy(email))), mailed(env.DB));
    await app.send(form('/library', { email }), mailed(env.DB));
    const opened = await sent(app, form('/library/open', { token: await libraryLinkOf(email) }));
    expect(opened.response.status).toBe(303);
    await expectIndexed(opened.statements);
    const cookie = opened.response.headers.get('set-cookie')!.split(';')[0]!;

    const library = await sent(app, new Request(`${SHOP}/library`, { headers: { cookie } }));
    expect((await library.response.text()).match(/data-order="/g)).toHaveLength(2);
    await expectIndexed(library.statements);
    expect(await planOfStatement(library.statements, /SELECT id FROM orders WHERE lower\(customer_email\)/)).toContain('SEARCH orders USING INDEX orders_by_customer_email (<expr>=?)');

    const signedOut = await sent(app, form('/library/sign-out', {}, { cookie }));
    expect(signedOut.response.status).toBe(303);
    await expectIndexed(signedOut.statements);
  });

  it("Manage subscription from the library reads the order and its subscription by their primary keys", async () => {
    const { subscriptionCustomerOfEmailOrder } = await import('../../../worker/store/library');
    const { db, statements } = countingDb(env.DB);
    await subscriptionCustomerOfEmailOrder(db, buyerEmail(), 'cs_test_plan_library_portal');
    await expectIndexed(statements);
    expect(await planOfStatement(statements, /JOIN stripe_subscriptions s/)).toEqual([
      expect.stringMatching(/^SEARCH o USING PRIMARY KEY \(id=\?\)$/),
      expect.stringMatching(/^SEARCH s USING INDEX sqlite_autoindex_stripe_subscriptions_1 \(id=\?\)$/),
    ]);
  });

  it("the back office resends a receipt and lists an order's emails by outbox_email_by_order", async () => {
    const app = testApp();
    const paid = paidBy(buyerEmail());
    await app.send(await delivery(event('checkout.session.completed', paid)), mailed(env.DB));
    const auth = { authorization: 'Bearer plan-token', origin: SHOP, 'content-type': 'application/json' };
    const resent = await sent(app, new Request(`${SHOP}/api/admin/orders/${paid.id}/resend-receipt`, { method: 'POST', headers: auth, body: '{}' }));
    expect(resent.response.status).toBe(202);
    await expectIndexed(resent.statements);
    const counted = countingDb(env.DB);
    const detail = await bodyOf(app.client(mailed(counted.db), { headers: auth, origin: SHOP }).api.admin.orders[':id'].$get({ param: { id: paid.id } }));
    expect(detail.emails).toHaveLength(2);
    await expectIndexed(counted.statements);
    expect((await planOfStatement(counted.statements, /FROM outbox WHERE kind = 'email' AND json_extract/)).join('\n')).toMatch(/SEARCH outbox USING INDEX outbox_email_by_order \(<expr>=\?\)/);
  });
});
