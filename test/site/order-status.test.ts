import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isTerminalStatus,
  isValidSessionId,
  nextDelay,
  formatBytes,
  parseOrder,
  POLLING,
  pollOrder,
  licenceKeyLabels,
  orderLineTexts,
  subscriptionNotice,
  type Order,
  type PollOptions,
} from '../../site/src/order-status';

const SESSION = 'cs_test_a1B2c3';

function orderBody(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: SESSION,
    status,
    clientReferenceId: 'buyer_1',
    amountTotal: 1200,
    amountDiscount: 300,
    currency: 'usd',
    product: { id: 'field-notes', name: 'Field Notes Pattern Pack' },
    fulfilledAt: status === 'fulfilled' ? '2026-01-01T00:00:05Z' : null,
    deliveryToken: status === 'fulfilled' ? 'dl_abc' : null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:05Z',
    ...extra,
  };
}

/** One scripted answer of the fake fetch. */
type Step =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'text'; status: number; body: string }
  | { kind: 'network-error' };

const order = (status: string): Step => ({ kind: 'json', status: 200, body: orderBody(status) });
/** A shop without a Stripe key has not recorded the session yet: its webhook may still come. */
const notFound: Step = { kind: 'json', status: 404, body: { error: 'order not found', awaitingWebhook: true } };
/** The worker asked Stripe (or the id is of the other mode): there is no such order. */
const notFoundFinal: Step = { kind: 'json', status: 404, body: { error: 'order not found', awaitingWebhook: false } };
const serverError: Step = { kind: 'text', status: 503, body: 'Service Unavailable' };
const networkError: Step = { kind: 'network-error' };

interface Harness {
  options: PollOptions;
  fetch: ReturnType<typeof vi.fn<typeof fetch>>;
  /** Every wait pollOrder asked for, in order. */
  sleeps: number[];
  orders: Order[];
  /** Fake time (ms since start) at each onSlow call. */
  slowAt: number[];
  time: () => number;
}

/**
 * pollOrder with fake fetch, sleep and clock: time only moves when pollOrder sleeps. The fetch
 * answers from `steps`, then with `rest` (404 unless given; a function gets the fake time elapsed).
 */
function harness(
  steps: Step[],
  { rest = notFound, ...overrides }: Partial<PollOptions> & { rest?: Step | ((elapsedMs: number) => Step) } = {},
): Harness {
  const start = 1_700_000_000_000;
  let t = start;
  const queue = [...steps];
  const sleeps: number[] = [];
  const orders: Order[] = [];
  const slowAt: number[] = [];
  const fetchFake = vi.fn<typeof fetch>(async () => {
    const step = queue.shift() ?? (typeof rest === 'function' ? rest(t - start) : rest);
    return responseFor(step);
  });
  const options: PollOptions = {
    sessionId: SESSION,
    apiBase: '',
    onOrder: (o) => orders.push(o),
    onSlow: () => slowAt.push(t - start),
    fetch: fetchFake,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    now: () => t,
    ...overrides,
  };
  return { options, fetch: fetchFake, sleeps, orders, slowAt, time: () => t - start };
}

/** The fake server's answer; a network error rejects like fetch does. */
function responseFor(step: Step): Response {
  if (step.kind === 'network-error') throw new TypeError('fetch failed');
  const nullBody = [204, 205, 304].includes(step.status);
  const body = nullBody ? null : step.kind === 'json' ? JSON.stringify(step.body) : step.body;
  return new Response(body, { status: step.status, headers: { 'content-type': 'application/json' } });
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('isValidSessionId', () => {
  it.each(['cs_test_a1B2c3', 'cs_live_a1B2c3', 'cs_test_' + 'x'.repeat(60)])('accepts %s', (id) => {
    expect(isValidSessionId(id)).toBe(true);
  });

  it.each([
    '',
    'cs_test_',
    'cs_live_',
    'cs_prod_abc',
    'pi_test_abc',
    'cs_abc',
    'CS_TEST_abc',
    ' cs_test_abc',
    'cs_test_abc ',
    'cs_test_abc\n',
    'cs_test_abc/../../admin',
    'cs_test_abc?x=1',
    'cs_test_ab-c',
    'cs_test_ab_c',
  ])('rejects %j', (id) => {
    expect(isValidSessionId(id)).toBe(false);
  });

  it('rejects null and undefined', () => {
    expect(isValidSessionId(null)).toBe(false);
    expect(isValidSessionId(undefined)).toBe(false);
  });
});

describe('isTerminalStatus', () => {
  it.each(['pending', 'paid'])('%s is still in progress', (status) => {
    expect(isTerminalStatus(status)).toBe(false);
  });

  it.each(['fulfilled', 'payment_failed', 'expired', 'refunded', 'something_new', ''])('%j is terminal', (status) => {
    expect(isTerminalStatus(status)).toBe(true);
  });
});

describe('POLLING', () => {
  it('documents the schedule the success page relies on', () => {
    expect(POLLING).toMatchObject({
      firstRetryMs: 500,
      factor: 1.5,
      maxDelayMs: 5_000,
      slowAfterMs: 60_000,
      giveUpAfterMs: 600_000,
      requestTimeoutMs: 10_000,
    });
  });
});

describe('nextDelay', () => {
  it('starts at 500 ms', () => {
    expect(nextDelay(0)).toBe(500);
    expect(nextDelay(-1)).toBe(500);
  });

  it('grows ×1.5 per retry and is capped at 5 s', () => {
    const delays: number[] = [];
    let delay = 0;
    for (let i = 0; i < 10; i++) {
      delay = nextDelay(delay);
      delays.push(delay);
    }
    expect(delays).toEqual([500, 750, 1125, 1687.5, 2531.25, 3796.875, 5000, 5000, 5000, 5000]);
  });

  it('never exceeds the cap', () => {
    expect(nextDelay(4000)).toBe(5000);
    expect(nextDelay(5000)).toBe(5000);
    expect(nextDelay(1e9)).toBe(5000);
  });
});

describe('parseOrder', () => {
  it('accepts a full order body', () => {
    expect(parseOrder(orderBody('fulfilled'))).toEqual({
      id: SESSION,
      status: 'fulfilled',
      clientReferenceId: 'buyer_1',
      amountTotal: 1200,
      amountDiscount: 300,
      currency: 'usd',
      product: { id: 'field-notes', name: 'Field Notes Pattern Pack' },
      subscription: false,
      fulfilledAt: '2026-01-01T00:00:05Z',
      deliveryToken: 'dl_abc',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:05Z',
      downloads: [],
      licenceKeys: [],
      subscriptionAccess: null,
      lineItems: [],
      shipment: null,
    });
  });

  it('fills in nulls for missing optional fields', () => {
    expect(parseOrder({ id: SESSION, status: 'pending' })).toEqual({
      id: SESSION,
      status: 'pending',
      clientReferenceId: null,
      amountTotal: null,
      amountDiscount: null,
      currency: null,
      product: null,
      subscription: false,
      fulfilledAt: null,
      deliveryToken: null,
      createdAt: '',
      updatedAt: '',
      downloads: [],
      licenceKeys: [],
      subscriptionAccess: null,
      lineItems: [],
      shipment: null,
    });
  });

  it('drops fields of the wrong type instead of passing them on', () => {
    const parsed = parseOrder(
      orderBody('paid', {
        clientReferenceId: 42,
        amountTotal: '1200',
        amountDiscount: -5,
        currency: { code: 'usd' },
        product: { id: 'field-notes' },
        deliveryToken: ['x'],
        createdAt: 0,
      }),
    );
    expect(parsed).not.toBeNull();
    expect(parsed).toMatchObject({
      status: 'paid',
      clientReferenceId: null,
      amountTotal: null,
      amountDiscount: null,
      currency: null,
      product: null,
      deliveryToken: null,
      createdAt: '',
    });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects the amount %s', (amountTotal) => {
    expect(parseOrder(orderBody('paid', { amountTotal }))?.amountTotal).toBeNull();
  });

  it('does not copy unknown fields', () => {
    const parsed = parseOrder(orderBody('paid', { secret: 'x', internalNote: 'y' }));
    expect(parsed).not.toHaveProperty('secret');
    expect(Object.keys(parsed ?? {}).sort()).toEqual(
      [
        'amountDiscount',
        'amountTotal',
        'clientReferenceId',
        'createdAt',
        'currency',
        'deliveryToken',
        'downloads',
        'fulfilledAt',
        'id',
        'licenceKeys',
        'lineItems',
        'product',
        'shipment',
        'status',
        'subscription',
        'subscriptionAccess',
        'updatedAt',
      ].sort(),
    );
  });

  it('keeps a shipment’s cost, carrier and tracking number, and drops a tracking link that is not https', () => {
    const shipment = { amount: 1500, carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://www.ups.com/track?tracknum=1Z999', shippedAt: '2026-01-05T00:00:00.000Z' };
    expect(parseOrder(orderBody('shipped', { shipment }))?.shipment).toEqual(shipment);
    expect(parseOrder(orderBody('shipped', { shipment: { ...shipment, trackingUrl: 'javascript:alert(1)' } }))?.shipment).toEqual({ ...shipment, trackingUrl: null });
    expect(parseOrder(orderBody('shipped', { shipment: 'UPS' }))?.shipment).toBeNull();
  });

  it("keeps the subscription's access: whether it is served, its status, why not, and when a grace ends", () => {
    const ended = { status: 'canceled', allowed: false, reason: 'this subscription was canceled: its downloads and licence keys ended with it', graceEndsAt: null };
    expect(parseOrder(orderBody('fulfilled', { subscription: true, subscriptionAccess: ended }))?.subscriptionAccess).toEqual(ended);
    const grace = { status: 'past_due', allowed: true, reason: null, graceEndsAt: '2026-06-22T12:00:00.000Z' };
    expect(parseOrder(orderBody('fulfilled', { subscription: true, subscriptionAccess: grace }))?.subscriptionAccess).toEqual(grace);
    const unreported = { status: null, allowed: true, reason: null, graceEndsAt: null };
    expect(parseOrder(orderBody('fulfilled', { subscription: true, subscriptionAccess: unreported }))?.subscriptionAccess).toEqual(unreported);
  });

  it.each([
    ['a string', 'canceled'],
    ['no allowed flag', { status: 'canceled', reason: 'x', graceEndsAt: null }],
    ['a refusal without a reason', { status: 'canceled', allowed: false, reason: null, graceEndsAt: null }],
    ['a numeric status', { status: 3, allowed: true, reason: null, graceEndsAt: null }],
  ])('drops a subscription access that is %s', (_label, subscriptionAccess) => {
    expect(parseOrder(orderBody('fulfilled', { subscriptionAccess }))?.subscriptionAccess).toBeNull();
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'fulfilled'],
    ['a number', 200],
    ['an array', [orderBody('fulfilled')]],
    ['an empty object', {}],
    ['an error body', { error: 'not_found' }],
    ['no status', { id: SESSION }],
    ['an empty status', { id: SESSION, status: '' }],
    ['a numeric status', { id: SESSION, status: 1 }],
    ['no id', { status: 'paid' }],
    ['a numeric id', { id: 1, status: 'paid' }],
  ])('rejects %s', (_label, body) => {
    expect(parseOrder(body)).toBeNull();
  });
});

describe('subscriptionNotice', () => {
  const formatDate = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

  it('ended: says the downloads and keys stopped, and why, as a sentence', () => {
    const access = { status: 'canceled', allowed: false, reason: 'this subscription was canceled: its downloads and licence keys ended with it', graceEndsAt: null };
    expect(subscriptionNotice(access, formatDate)).toBe('This subscription was canceled: its downloads and licence keys ended with it.');
  });

  it('past_due within its grace: says until when the downloads work unless the payment is made', () => {
    const access = { status: 'past_due', allowed: true, reason: null, graceEndsAt: '2026-06-22T12:00:00.000Z' };
    expect(subscriptionNotice(access, formatDate)).toBe("Your subscription's last payment did not go through: its downloads and licence keys work until 22 June 2026 unless it is paid.");
  });

  it('in force, or no subscription: nothing to say', () => {
    expect(subscriptionNotice({ status: 'active', allowed: true, reason: null, graceEndsAt: null }, formatDate)).toBeNull();
    expect(subscriptionNotice({ status: null, allowed: true, reason: null, graceEndsAt: null }, formatDate)).toBeNull();
    expect(subscriptionNotice(null, formatDate)).toBeNull();
  });
});

describe('pollOrder', () => {
  it('requests /api/orders/<id> under the API base, uncached, asking for JSON', async () => {
    const h = harness([order('fulfilled')], { apiBase: 'https://api.example.com/shop' });
    await expect(pollOrder(h.options)).resolves.toBe('terminal');
    expect(h.fetch).toHaveBeenCalledTimes(1);
    const [input, init] = h.fetch.mock.calls[0]!;
    expect(input).toBe(`https://api.example.com/shop/api/orders/${SESSION}`);
    expect(init?.cache).toBe('no-store');
    expect(new Headers(init?.headers).get('accept')).toBe('application/json');
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('uses a same-origin path when the API base is empty', async () => {
    const h = harness([order('fulfilled')]);
    await pollOrder(h.options);
    expect(h.fetch.mock.calls[0]![0]).toBe(`/api/orders/${SESSION}`);
  });

  it('URL-encodes the session id', async () => {
    const h = harness([order('fulfilled')], { sessionId: 'cs_test_a/b?c' });
    await pollOrder(h.options);
    expect(h.fetch.mock.calls[0]![0]).toBe('/api/orders/cs_test_a%2Fb%3Fc');
  });

  it.each(['fulfilled', 'payment_failed', 'expired'])('stops at %s', async (status) => {
    const h = harness([order(status)], { rest: order('paid') });
    await expect(pollOrder(h.options)).resolves.toBe('terminal');
    expect(h.fetch).toHaveBeenCalledTimes(1);
    expect(h.sleeps).toEqual([]);
    expect(h.orders.map((o) => o.status)).toEqual([status]);
  });

  it('makes the first request at once, then waits 500 ms growing ×1.5', async () => {
    const h = harness([notFound, notFound, notFound, notFound, order('fulfilled')]);
    await pollOrder(h.options);
    expect(h.fetch).toHaveBeenCalledTimes(5);
    expect(h.sleeps).toEqual([500, 750, 1125, 1687.5]);
  });

  it('keeps polling through pending and paid, reporting each order', async () => {
    const h = harness([order('pending'), order('pending'), order('paid'), order('paid'), order('fulfilled')], {
      rest: order('paid'),
    });
    await expect(pollOrder(h.options)).resolves.toBe('terminal');
    expect(h.orders.map((o) => o.status)).toEqual(['pending', 'pending', 'paid', 'paid', 'fulfilled']);
    expect(h.fetch).toHaveBeenCalledTimes(5);
    expect(h.orders.at(-1)?.deliveryToken).toBe('dl_abc');
  });

  it('stops at the first 404 that says the order will not come (a mistyped id): one request, no wait', async () => {
    const h = harness([notFoundFinal], { rest: order('fulfilled') });
    await expect(pollOrder(h.options)).resolves.toBe('not-found');
    expect(h.fetch).toHaveBeenCalledTimes(1);
    expect(h.sleeps).toEqual([]);
    expect(h.orders).toEqual([]);
  });

  it.each([
    ['a body without awaitingWebhook', { error: 'order not found' }],
    ['a body that is not JSON', 'Not Found'],
  ])('stops at a 404 with %s: only an explicit awaitingWebhook keeps it asking', async (_, body) => {
    const step: Step = typeof body === 'string' ? { kind: 'text', status: 404, body } : { kind: 'json', status: 404, body };
    const h = harness([step], { rest: order('fulfilled') });
    await expect(pollOrder(h.options)).resolves.toBe('not-found');
    expect(h.fetch).toHaveBeenCalledTimes(1);
  });

  it('keeps polling through 404s that await the webhook, 5xx, network errors and bad bodies without reporting an order', async () => {
    const h = harness([
      notFound,
      serverError,
      { kind: 'text', status: 500, body: '{"error":"internal"}' },
      networkError,
      { kind: 'text', status: 200, body: '<html>not json</html>' },
      { kind: 'json', status: 200, body: { error: 'weird' } },
      { kind: 'json', status: 201, body: orderBody('fulfilled') },
      { kind: 'json', status: 204, body: null },
      networkError,
      order('paid'),
      notFound,
      order('fulfilled'),
    ]);
    await expect(pollOrder(h.options)).resolves.toBe('terminal');
    expect(h.fetch).toHaveBeenCalledTimes(12);
    expect(h.orders.map((o) => o.status)).toEqual(['paid', 'fulfilled']);
  });

  it('calls onSlow once, after about 60 s without a terminal status', async () => {
    // Pending for 90 s of fake time, then fulfilled.
    const h = harness([], { rest: (elapsed) => order(elapsed >= 90_000 ? 'fulfilled' : 'pending') });
    await expect(pollOrder(h.options)).resolves.toBe('terminal');
    expect(h.slowAt).toHaveLength(1);
    expect(h.slowAt[0]).toBeGreaterThanOrEqual(60_000);
    expect(h.slowAt[0]).toBeLessThanOrEqual(60_000 + 5_000);
    expect(h.time()).toBeGreaterThanOrEqual(90_000);
  });

  it('does not call onSlow when a terminal status arrives in time', async () => {
    const h = harness([notFound, order('pending'), order('paid'), order('fulfilled')]);
    await pollOrder(h.options);
    expect(h.slowAt).toEqual([]);
    expect(h.time()).toBeLessThan(60_000);
  });

  it('gives up after 10 minutes, calling onSlow once on the way', async () => {
    const h = harness([], { rest: notFound });
    await expect(pollOrder(h.options)).resolves.toBe('gave-up');
    expect(h.time()).toBeLessThanOrEqual(600_000);
    expect(h.time()).toBeGreaterThan(600_000 - 5_000);
    expect(h.slowAt).toHaveLength(1);
    expect(h.orders).toEqual([]);
    // Requests stay spaced out: at most one every 5 s once the backoff is capped.
    expect(Math.max(...h.sleeps)).toBe(5_000);
    expect(h.fetch.mock.calls.length).toBe(h.sleeps.length + 1);
    expect(h.fetch.mock.calls.length).toBeLessThan(140);
  });

  it('gives up after 10 minutes of in-progress orders too', async () => {
    const h = harness([], { rest: order('paid') });
    await expect(pollOrder(h.options)).resolves.toBe('gave-up');
    expect(h.orders.length).toBe(h.fetch.mock.calls.length);
    expect(h.orders.every((o) => o.status === 'paid')).toBe(true);
  });

  it('works without onSlow', async () => {
    const h = harness([], { rest: serverError, onSlow: undefined });
    await expect(pollOrder(h.options)).resolves.toBe('gave-up');
  });

  it('stops with "aborted" when aborted during a wait, without another request', async () => {
    const controller = new AbortController();
    const h = harness([notFound, notFound], { rest: order('fulfilled') });
    const sleep = h.options.sleep!;
    h.options.signal = controller.signal;
    h.options.sleep = async (ms, signal) => {
      if (h.sleeps.length === 1) controller.abort();
      await sleep(ms, signal);
    };
    await expect(pollOrder(h.options)).resolves.toBe('aborted');
    expect(h.fetch).toHaveBeenCalledTimes(2);
    expect(h.orders).toEqual([]);
  });

  it('aborts the request in flight when the caller aborts', async () => {
    const controller = new AbortController();
    let requestSignal: AbortSignal | undefined;
    const h = harness([], {
      signal: controller.signal,
      fetch: (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          requestSignal = init?.signal ?? undefined;
          requestSignal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          controller.abort();
        }),
    });
    await expect(pollOrder(h.options)).resolves.toBe('aborted');
    expect(requestSignal?.aborted).toBe(true);
    expect(h.orders).toEqual([]);
  });

  it('does not request at all when already aborted', async () => {
    const h = harness([order('fulfilled')], { signal: AbortSignal.abort() });
    await expect(pollOrder(h.options)).resolves.toBe('aborted');
    expect(h.fetch).not.toHaveBeenCalled();
  });

  it('aborts a request that hangs for 10 s and retries it', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let firstSignal: AbortSignal | undefined;
    const h = harness([], {
      fetch: (_input, init) => {
        calls++;
        if (calls === 1) {
          firstSignal = init?.signal ?? undefined;
          return new Promise<Response>((_resolve, reject) => {
            firstSignal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          });
        }
        return Promise.resolve(responseFor(order('fulfilled')));
      },
    });
    const outcome = pollOrder(h.options);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(calls).toBe(1);
    expect(firstSignal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toBe('terminal');
    expect(firstSignal?.aborted).toBe(true);
    expect(calls).toBe(2);
    expect(h.orders.map((o) => o.status)).toEqual(['fulfilled']);
  });

  it('uses the global fetch when none is injected', async () => {
    const globalFetch = vi.fn<typeof fetch>(async () => responseFor(order('expired')));
    vi.stubGlobal('fetch', globalFetch);
    const h = harness([]);
    delete h.options.fetch;
    await expect(pollOrder(h.options)).resolves.toBe('terminal');
    expect(globalFetch).toHaveBeenCalledTimes(1);
    expect(h.orders.map((o) => o.status)).toEqual(['expired']);
  });
});

describe('downloads and licence keys in the order', () => {
  const link = {
    product: { id: 'field-notes', name: 'Field Notes Pattern Pack' },
    name: 'Pattern pack (PDF)',
    filename: 'field-notes-pattern-pack.pdf',
    size: 3072,
    contentType: 'application/pdf',
    url: '/downloads/dl_abc/field-notes/field-notes-pattern-pack.pdf?expires=1&signature=x',
    expiresAt: '2026-01-02T00:00:00Z',
    limit: 10,
    used: 2,
    update: null,
  };

  it('keeps each well-formed download link and licence key', () => {
    const parsed = parseOrder(orderBody('fulfilled', { downloads: [link], licenceKeys: [{ product: link.product, key: 'ABCDE-12345' }, { product: link.product, key: null }] }));
    expect(parsed?.downloads).toEqual([{ product: link.product, name: link.name, filename: link.filename, size: 3072, url: link.url, limit: 10, used: 2, update: null }]);
    expect(parsed?.licenceKeys).toEqual([{ product: link.product, key: 'ABCDE-12345' }, { product: link.product, key: null }]);
  });

  it("keeps a newer version's note, and reads a malformed one as no note (the link stays)", () => {
    const update = { version: 2, note: 'fixed page 3', publishedAt: '2026-12-06T09:30:00.000Z' };
    expect(parseOrder(orderBody('fulfilled', { downloads: [{ ...link, update }] }))?.downloads[0]?.update).toEqual(update);
    expect(parseOrder(orderBody('fulfilled', { downloads: [{ ...link, update: { version: -1, note: 'x', publishedAt: 'y' } }] }))?.downloads[0]?.update).toBeNull();
    expect(parseOrder(orderBody('fulfilled', { downloads: [{ ...link, update: undefined }] }))?.downloads[0]?.update).toBeNull();
  });

  it.each([
    ['another origin', { url: 'https://evil.example/downloads/x' }],
    ['a javascript: URL', { url: 'javascript:alert(1)' }],
    ['a protocol-relative URL', { url: '//evil.example/downloads/x' }],
    ['a negative size', { size: -1 }],
    ['no name', { name: undefined }],
  ])('drops a download with %s', (_, change) => {
    expect(parseOrder(orderBody('fulfilled', { downloads: [{ ...link, ...change }] }))?.downloads).toEqual([]);
  });

  it('a downloads field that is not a list is no downloads', () => {
    expect(parseOrder(orderBody('fulfilled', { downloads: 'x', licenceKeys: {} }))).toMatchObject({ downloads: [], licenceKeys: [] });
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [3072, '3.0 KB'],
    [50 * 1024 * 1024, '50.0 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
  ])('%i bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('the lines of a cart order', () => {
  const line = (description: string | null, quantity: number, amountTotal: number | null, product: string | null = null) => ({ price: 'price_1', product, description, quantity, amountTotal, currency: 'usd' });

  it('parseOrder keeps every well-formed line, in order, and drops a malformed one', () => {
    const order = parseOrder(orderBody('fulfilled', { lineItems: [line('Field Notes Pattern Pack', 1, 1200), { quantity: 'two' }, line('Field Notes Club', 1, 500)] }))!;
    expect(order.lineItems.map((item) => item.description)).toEqual(['Field Notes Pattern Pack', 'Field Notes Club']);
  });

  it('names every line of a three-line order with its quantity and amount, not the first line alone', () => {
    const order = parseOrder(orderBody('fulfilled', { lineItems: [line('Field Notes Pattern Pack', 1, 1200), line('Trail Map Print', 2, 4800), line('Field Notes Club', 1, 500)] }))!;
    expect(orderLineTexts(order)).toEqual(['Field Notes Pattern Pack — $12.00', '2 × Trail Map Print — $48.00', 'Field Notes Club — $5.00']);
  });

  it('a line without a description is named by its catalog product, else as an item', () => {
    const order = parseOrder(orderBody('fulfilled', { lineItems: [line(null, 1, 1800, 'enamel-mug'), line(null, 1, null)] }))!;
    expect(orderLineTexts(order)).toEqual(['Camp Enamel Mug — $18.00', 'Item']);
  });

  it('an order stored without lines falls back to its product', () => {
    expect(orderLineTexts(parseOrder(orderBody('fulfilled'))!)).toEqual(['Field Notes Pattern Pack']);
  });
});

describe('licenceKeyLabels', () => {
  it('numbers the keys of a product bought several times, and names a single one plainly', () => {
    const notes = { id: 'field-notes', name: 'Field Notes Pattern Pack' };
    const map = { id: 'trail-map-print', name: 'Trail Map Print' };
    expect(licenceKeyLabels([{ product: notes }, { product: notes }, { product: map }, { product: notes }])).toEqual([
      'Field Notes Pattern Pack (1 of 3)',
      'Field Notes Pattern Pack (2 of 3)',
      'Trail Map Print',
      'Field Notes Pattern Pack (3 of 3)',
    ]);
  });
});
