// GET /downloads/…: files streamed from the real local R2 bucket through signed,
// expiring, counted links. Each attack is a request an outsider (or another buyer) can make.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DOWNLOAD_LIMIT } from '../../../contract/limits';
import { ledgerRow, testApp, testEnv } from '../support/app';
import { delivery, event, fixture } from '../support/stripe';
import { buy, downloadCount, fileBytes, get, orderOf, PDF_KEY, PNG_KEY, putFile } from '../delivery/support';
import { signLink } from '../../../worker/delivery/signature';
import { downloadPath } from '../../../worker/delivery/links';

const PDF = fileBytes(5000);
const charge = (overrides: Partial<Stripe.Charge>) => ({ ...fixture<Stripe.Charge>('charge'), ...overrides });
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

beforeEach(async () => {
  await putFile(PDF_KEY, PDF, 'application/pdf');
});

async function linkFor(app = testApp(), productId = 'field-notes') {
  const { session, paymentIntent } = await buy(app, productId);
  const order = await orderOf(app, session.id);
  return { app, session, paymentIntent, order, link: order.downloads[0]! };
}

describe('a fulfilled order\'s download link', () => {
  it('streams the file from R2 as an attachment with its type, length and ETag, and counts one download', async () => {
    const { app, session, link } = await linkFor();
    expect(link).toMatchObject({ product: { id: 'field-notes' }, name: 'Pattern pack (PDF)', filename: 'field-notes-pattern-pack.pdf', size: PDF.length, contentType: 'application/pdf', limit: DEFAULT_DOWNLOAD_LIMIT, used: 0 });
    const head = await env.FILES!.head(PDF_KEY);

    const response = await app.send(get(link.url));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="field-notes-pattern-pack.pdf"; filename*=UTF-8''field-notes-pattern-pack.pdf`);
    expect(response.headers.get('etag')).toBe(head!.httpEtag);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe(String(PDF.length));
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(await bytesOf(response)).toEqual(PDF);
    expect(await downloadCount(session.id, PDF_KEY)).toBe(1);
    expect((await orderOf(app, session.id)).downloads[0]!.used).toBe(1);
  });

  it('Range bytes=0-0 answers 206 with the first byte and its Content-Range', async () => {
    const { app, link } = await linkFor();
    const response = await app.send(get(link.url, { range: 'bytes=0-0' }));
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 0-0/${PDF.length}`);
    expect(response.headers.get('content-length')).toBe('1');
    expect(await bytesOf(response)).toEqual(PDF.slice(0, 1));
  });

  it('a suffix range bytes=-100 answers 206 with the last 100 bytes', async () => {
    const { app, link } = await linkFor();
    const response = await app.send(get(link.url, { range: 'bytes=-100' }));
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${PDF.length - 100}-${PDF.length - 1}/${PDF.length}`);
    expect(await bytesOf(response)).toEqual(PDF.slice(-100));
  });

  it('resumes from the middle: bytes=1000- answers the rest of the file', async () => {
    const { app, link } = await linkFor();
    const response = await app.send(get(link.url, { range: 'bytes=1000-' }));
    expect(response.status).toBe(206);
    expect(await bytesOf(response)).toEqual(PDF.slice(1000));
  });

  it('several ranges are refused with 416, a reason and Content-Range bytes */size, and not counted', async () => {
    const { app, session, link } = await linkFor();
    const response = await app.send(get(link.url, { range: 'bytes=0-0,-1' }));
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${PDF.length}`);
    expect(await response.json()).toEqual({ error: 'multiple ranges are not served; ask for one range per request' });
    expect(await downloadCount(session.id, PDF_KEY)).toBe(0);
  });

  it('a range past the end is 416 and not counted', async () => {
    const { app, session, link } = await linkFor();
    const response = await app.send(get(link.url, { range: `bytes=${PDF.length}-` }));
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${PDF.length}`);
    expect(await downloadCount(session.id, PDF_KEY)).toBe(0);
  });

  it('If-Range with another version\'s ETag answers the whole file (200), not a piece of the new one', async () => {
    const { app, link } = await linkFor();
    const response = await app.send(get(link.url, { range: 'bytes=0-0', 'if-range': '"an-older-version"' }));
    expect(response.status).toBe(200);
    expect(await bytesOf(response)).toEqual(PDF);
  });

  it('HEAD answers the headers without a body and without counting', async () => {
    const { app, session, link } = await linkFor();
    const response = await app.send(get(link.url, {}, 'HEAD'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(PDF.length));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(await downloadCount(session.id, PDF_KEY)).toBe(0);
  });
});

describe('links that must not work', () => {
  it('an expired link answers 410 saying to open the order page again, and counts nothing', async () => {
    const { session, link } = await linkFor();
    const later = testApp({ now: () => Date.parse(link.expiresAt) + 1000 });
    const response = await later.send(get(link.url));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: 'this download link has expired: open your order page again for a fresh one' });
    expect(await downloadCount(session.id, PDF_KEY)).toBe(0);
  });

  it('links expire after DOWNLOAD_LINK_TTL_SECONDS (default 24 h)', async () => {
    const now = Date.now();
    const app = testApp({ now: () => now });
    const { session } = await buy(app);
    const byDefault = (await orderOf(app, session.id)).downloads[0]!;
    expect(Date.parse(byDefault.expiresAt)).toBe((Math.floor(now / 1000) + 86_400) * 1000);
    const hourly = (await orderOf(app, session.id, testEnv({ DOWNLOAD_LINK_TTL_SECONDS: '3600' }))).downloads[0]!;
    expect(Date.parse(hourly.expiresAt)).toBe((Math.floor(now / 1000) + 3600) * 1000);
  });

  it.each([
    ['a changed signature', (url: URL) => url.searchParams.set('signature', flip(url.searchParams.get('signature')!))],
    ['a later expiry', (url: URL) => url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 86_400))],
    ['another file of the shop', (url: URL) => (url.pathname = url.pathname.replace(PDF_KEY, PNG_KEY))],
    ['another delivery token', (url: URL) => (url.pathname = url.pathname.replace(/dl_[^/]+/, 'dl_test_someone_elses_token'))],
  ])('a link with %s answers 403 and counts nothing', async (_, tamper) => {
    const { app, session, link } = await linkFor();
    const url = new URL(link.url, 'https://shop.example');
    tamper(url);
    const response = await app.send(get(`${url.pathname}${url.search}`));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'this download link is not valid (its signature does not match)' });
    expect(await downloadCount(session.id, PDF_KEY)).toBe(0);
  });

  it('a link signed with another secret answers 403', async () => {
    const { app, order } = await linkFor();
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const forged = await signLink('not_the_shops_secret_but_long_enough_0123456789', { token: order.deliveryToken!, key: PDF_KEY, expires });
    expect((await app.send(get(downloadPath(order.deliveryToken!, PDF_KEY, expires, forged)))).status).toBe(403);
  });

  it.each([
    ['no signature', (url: URL) => url.searchParams.delete('signature'), 400],
    ['no expiry', (url: URL) => url.searchParams.delete('expires'), 400],
    ['a non-numeric expiry', (url: URL) => url.searchParams.set('expires', '1e99'), 400],
    ['a path outside any file key', (url: URL) => (url.pathname = url.pathname.replace(PDF_KEY, '..%2F..%2Fsecret')), 404],
    ['a token that is not a delivery token', (url: URL) => (url.pathname = url.pathname.replace(/\/downloads\/[^/]+\//, '/downloads/not-a-token/')), 404],
  ])('a link with %s is refused (%i) before any lookup', async (_, tamper, status) => {
    const { app, link } = await linkFor();
    const url = new URL(link.url, 'https://shop.example');
    tamper(url);
    expect((await app.send(get(`${url.pathname}${url.search}`))).status).toBe(status);
  });

  it('another buyer\'s order: their session id answers only their links, and one order\'s links signed for its token do not open the other\'s', async () => {
    const { app, order: mine } = await linkFor();
    const { order: theirs } = await linkFor(app);
    expect(theirs.downloads.every((link) => !link.url.includes(mine.deliveryToken!))).toBe(true);
    expect(mine.downloads.every((link) => !link.url.includes(theirs.deliveryToken!))).toBe(true);
    // My signature on their token's path: refused.
    const url = new URL(mine.downloads[0]!.url, 'https://shop.example');
    url.pathname = url.pathname.replace(mine.deliveryToken!, theirs.deliveryToken!);
    expect((await app.send(get(`${url.pathname}${url.search}`))).status).toBe(403);
  });

  it('a test-mode order\'s link in a live-mode shop answers 404', async () => {
    const { app, link } = await linkFor();
    const response = await app.send(get(link.url), testEnv({ STRIPE_MODE: 'live' }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no such order' });
  });

  it('without DOWNLOAD_SIGNING_SECRET the order lists no links and a link answers 503', async () => {
    const { app, session, link } = await linkFor();
    const unconfigured = testEnv({ DOWNLOAD_SIGNING_SECRET: undefined });
    expect((await orderOf(app, session.id, unconfigured)).downloads).toEqual([]);
    const response = await app.send(get(link.url), unconfigured);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'downloads are not configured on this shop' });
  });
});

describe('the per-order download limit', () => {
  it(`20 concurrent downloads of a file with the default limit: exactly ${DEFAULT_DOWNLOAD_LIMIT} succeed, the rest answer 410, and D1 counts ${DEFAULT_DOWNLOAD_LIMIT}`, async () => {
    const { app, session, link } = await linkFor();
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.send(get(link.url))));
    const succeeded = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 410);
    expect(succeeded).toHaveLength(DEFAULT_DOWNLOAD_LIMIT);
    expect(refused).toHaveLength(20 - DEFAULT_DOWNLOAD_LIMIT);
    for (const response of succeeded) expect(await bytesOf(response)).toEqual(PDF);
    for (const response of refused) expect(await response.json()).toEqual({ error: `download limit reached: this file may be downloaded ${DEFAULT_DOWNLOAD_LIMIT} times per order` });
    expect(await downloadCount(session.id, PDF_KEY)).toBe(DEFAULT_DOWNLOAD_LIMIT);
  });

  it('a product\'s own limit (the trail map: 5) is used instead: 20 concurrent downloads, exactly 5 succeed', async () => {
    await putFile(PNG_KEY, fileBytes(700, 3), 'image/png');
    const { app, session, link } = await linkFor(testApp(), 'trail-map-print');
    expect(link.limit).toBe(5);
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.send(get(link.url))));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(5);
    expect(responses.filter((response) => response.status === 410)).toHaveLength(15);
    expect(await downloadCount(session.id, PNG_KEY)).toBe(5);
  });
});

describe('revocation', () => {
  it('after a full refund the same link answers 410 with the reason at once, and the order lists no links', async () => {
    const { app, session, paymentIntent, link } = await linkFor();
    expect((await app.send(get(link.url))).status).toBe(200);

    await app.send(await delivery(event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true, amount_refunded: 1200 }))));

    const response = await app.send(get(link.url));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: 'this order was refunded: its downloads no longer work' });
    expect(await downloadCount(session.id, PDF_KEY)).toBe(1);
    expect((await orderOf(app, session.id)).downloads).toEqual([]);
  });

  it('a browser opening the refunded order\'s link gets a page (410, no-store) with the reason and its download code, never the order', async () => {
    const { app, session, paymentIntent, order, link } = await linkFor();
    await app.send(await delivery(event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true, amount_refunded: 1200 }))));

    const response = await app.send(get(link.url, { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate' }));

    expect(response.status).toBe(410);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await response.text();
    expect(page).toContain('<p id="reason">This order was refunded: its downloads no longer work.</p>');
    expect(page).toContain(`<code>${order.deliveryToken}</code>`);
    expect(page).toContain('<a href="/">Back to the shop</a>');
    expect(page).not.toContain(session.id);
    expect(await downloadCount(session.id, PDF_KEY)).toBe(0);
  });

  it('a script asking for anything (*/*) still gets the JSON reason', async () => {
    const { app, paymentIntent, link } = await linkFor();
    await app.send(await delivery(event('charge.refunded', charge({ payment_intent: paymentIntent, refunded: true, amount_refunded: 1200 }))));
    const response = await app.send(get(link.url, { accept: '*/*' }));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: 'this order was refunded: its downloads no longer work' });
  });

  it('the page for a mangled link repeats nothing of the URL', async () => {
    const { app, link } = await linkFor();
    const mangled = link.url.replace(/^\/downloads\/[^/]+\//, '/downloads/%3Cscript%3Ealert(1)%3C%2Fscript%3E/');
    const response = await app.send(get(mangled, { accept: 'text/html' }));
    expect(response.status).toBe(404);
    const page = await response.text();
    expect(page).toContain('<p id="reason">No such download.</p>');
    expect(page).not.toMatch(/script|alert|%3C/i);
  });

  it('after a dispute the link answers 410 saying so', async () => {
    const { app, paymentIntent, link } = await linkFor();
    await app.send(await delivery(event('charge.dispute.created', { ...fixture<Stripe.Dispute>('dispute'), payment_intent: paymentIntent })));
    const response = await app.send(get(link.url));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: 'this order was disputed: its downloads no longer work' });
  });
});

describe('a digital product whose file is not in the bucket', () => {
  it('still fulfils; the ledger note and the log warn the seller; the order lists no link for it', async () => {
    await env.FILES!.delete(PNG_KEY);
    const app = testApp();
    const { session, eventId } = await buy(app, 'trail-map-print');
    const order = await orderOf(app, session.id);
    expect(order.status).toBe('fulfilled');
    expect(order.downloads).toEqual([]);
    expect((await ledgerRow(eventId))!.note).toBe(
      `order ${session.id} fulfilled with a warning: file ${PNG_KEY} of trail-map-print is not in the FILES bucket (npm run files -- put trail-map-print <path>)`,
    );
  });
});

const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
