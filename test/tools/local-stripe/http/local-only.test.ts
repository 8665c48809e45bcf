// The local Stripe serves this machine's browser and tests only: a page on another site must not
// drive it (a cross-site form or fetch), and a name that rebinds to 127.0.0.1 must not read it.
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStripe, type LocalStripe } from '../../../../tools/local-stripe/index';

let fake: LocalStripe;
let origin: string;

beforeAll(async () => {
  fake = await startLocalStripe({ log: false });
  origin = fake.url;
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setWebhook(null);
});

/** One request with exactly these headers (fetch would not let a test set Host). */
function send(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${path}`, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const port = () => String(fake.port);

describe('control endpoints (/__fake/*)', () => {
  it('refuse a cross-site text/plain POST to /__fake/reset (403) and keep every object', async () => {
    const kept = fake.seedProduct({ name: 'Kept' });
    // What <form enctype="text/plain" action=".../__fake/reset"> on another site sends.
    const answer = await send('POST', '/__fake/reset', { host: `127.0.0.1:${port()}`, origin: 'https://evil.example', 'content-type': 'text/plain' }, '{"x":"y"}');
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('https://evil.example');
    expect(fake.get(kept.id)).toMatchObject({ id: kept.id, name: 'Kept' });
  });

  it('refuse a text/plain POST without an Origin (415) and set no 429s', async () => {
    const answer = await send('POST', '/__fake/429', { host: `127.0.0.1:${port()}`, 'content-type': 'text/plain' }, '{"count":5}');
    expect(answer.status).toBe(415);
    expect(answer.body).toContain('application/json');
    const list = await send('GET', '/v1/products', { host: `127.0.0.1:${port()}`, authorization: 'Bearer sk_test_x' });
    expect(list.status).toBe(200);
  });

  it('refuse a form-encoded POST to /__fake/webhook (415) and keep the webhook target', async () => {
    fake.setWebhook({ url: 'http://127.0.0.1:9/webhooks/stripe', secret: 'whsec_kept' });
    const answer = await send('POST', '/__fake/webhook', { host: `127.0.0.1:${port()}`, 'content-type': 'application/x-www-form-urlencoded' }, 'url=http%3A%2F%2F127.0.0.1%3A1%2F&secret=s');
    expect(answer.status).toBe(415);
    const html = await send('GET', '/', { host: `127.0.0.1:${port()}` });
    expect(html.body).toContain('http://127.0.0.1:9/webhooks/stripe');
  });

  it('refuse a JSON POST from another origin (403)', async () => {
    const kept = fake.seedProduct({ name: 'Kept' });
    const answer = await send('POST', '/__fake/reset', { host: `127.0.0.1:${port()}`, origin: 'http://127.0.0.1:8787', 'content-type': 'application/json' }, '{}');
    expect(answer.status).toBe(403);
    expect(fake.get(kept.id)).toBeDefined();
  });

  it('accept a JSON POST with no Origin (a test) or its own origin', async () => {
    fake.seedProduct({ name: 'Gone' });
    expect((await send('POST', '/__fake/reset', { host: `127.0.0.1:${port()}`, 'content-type': 'application/json' })).status).toBe(200);
    expect(fake.all('product')).toHaveLength(0);
    fake.seedProduct({ name: 'Gone too' });
    expect((await send('POST', '/__fake/reset', { host: `localhost:${port()}`, origin: `http://localhost:${port()}`, 'content-type': 'application/json; charset=utf-8' }, '{}')).status).toBe(200);
    expect(fake.all('product')).toHaveLength(0);
  });
});

describe('the Host header', () => {
  it('refuses a foreign Host (421) on the dashboard, the API and the control endpoints, showing nothing', async () => {
    const customer = fake.seedCustomer({ email: 'buyer@example.com' });
    for (const path of ['/', `/v1/customers/${customer.id}`, '/__fake/requests']) {
      // DNS rebinding: a name the attacker controls now resolves to 127.0.0.1.
      const answer = await send('GET', path, { host: `rebind.evil.example:${port()}`, authorization: 'Bearer sk_test_x' });
      expect(answer.status, path).toBe(421);
      expect(answer.body, path).toContain('rebind.evil.example');
      expect(answer.body, path).not.toContain('buyer@example.com');
    }
  });

  it('refuses a loopback Host on another port or with none (421)', async () => {
    expect((await send('GET', '/', { host: '127.0.0.1:1' })).status).toBe(421);
    expect((await send('GET', '/', { host: '127.0.0.1' })).status).toBe(421);
  });

  it('answers for 127.0.0.1, localhost and [::1] on its own port', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`, `LOCALHOST:${port()}`]) {
      expect((await send('GET', '/', { host })).status, host).toBe(200);
    }
  });
});

describe('the dashboard’s actions', () => {
  const act = (headers: Record<string, string>) => {
    const product = fake.seedProduct({ name: 'Mug' });
    return send('POST', '/dashboard/rename', { host: `127.0.0.1:${port()}`, 'content-type': 'application/x-www-form-urlencoded', ...headers }, `product=${product.id}&name=Pwned`).then((answer) => ({
      answer,
      name: fake.get(product.id)!.name as string,
    }));
  };

  it('refuse a form posted without an Origin (403), changing nothing', async () => {
    const { answer, name } = await act({});
    expect(answer.status).toBe(403);
    expect(name).toBe('Mug');
  });

  it('refuse a form posted from another site, or from "null" (403), changing nothing', async () => {
    for (const from of ['https://evil.example', 'null', `http://127.0.0.1:${Number(port()) + 1}`]) {
      const { answer, name } = await act({ origin: from });
      expect(answer.status, from).toBe(403);
      expect(name, from).toBe('Mug');
    }
  });

  it('take a form posted from their own page (303), on 127.0.0.1 or localhost', async () => {
    expect(await act({ origin: origin })).toMatchObject({ answer: { status: 303 }, name: 'Pwned' });
    expect(await act({ host: `localhost:${port()}`, origin: `http://localhost:${port()}` })).toMatchObject({ answer: { status: 303 }, name: 'Pwned' });
  });
});
