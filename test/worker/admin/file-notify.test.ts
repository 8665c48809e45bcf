// "Notify past buyers" of a file's new version: one email per buyer and version through the
// outbox's email step, at most FILE_NOTICES_PER_CALL queued per call, each call logged.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILE_NOTICES_PER_CALL } from '../../../contract/limits';
import { carryOut } from '../../../worker/outbox/carry-out';
import { bodyOf, refused, testApp } from '../support/app';
import { adminApi, adminEnv } from '../support/back-office';
import { fileBytes, PDF_KEY, putFile } from '../delivery/support';

const mailEnv = () => adminEnv({ EMAIL_API_KEY: 're_test_local', EMAIL_FROM: 'Fieldwork Supply <orders@shop.example>', EMAIL_API_BASE: env.FAKE_STRIPE_URL, SITE_URL: 'https://shop.example' });
const run = crypto.randomUUID().slice(0, 8);
const address = (n: number) => `past-buyer-${run}-${n}@example.com`;
const BUYERS = FILE_NOTICES_PER_CALL + 7;

async function mailTo(to: string): Promise<{ subject: string; text: string }[]> {
  const response = await fetch(`${env.FAKE_STRIPE_URL}/mail?to=${encodeURIComponent(to)}`, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { messages: { subject: string; text: string }[] }).messages;
}

async function order(email: string, productId: string, status = 'fulfilled', createdAt = 1_000): Promise<string> {
  const id = `cs_test_a1Notify${crypto.randomUUID().replaceAll('-', '')}`;
  await env.DB.prepare(
    `INSERT INTO orders (id, status, product_id, amount_total, currency, customer_email, mode, livemode, created_at, updated_at, fulfilled_at, delivery_token)
     VALUES (?1, ?2, ?3, 1200, 'usd', ?4, 'payment', 0, ?5, ?5, ?5, ?6)`,
  )
    .bind(id, status, productId, email, createdAt, `dl_test_${crypto.randomUUID()}`)
    .run();
  return id;
}

const noticeRows = (version: number) =>
  env.DB.prepare(`SELECT id, subject, json_extract(payload, '$.order') AS orderId FROM outbox WHERE kind = 'email' AND substr(subject, 1, length(?1)) = ?1 ORDER BY subject`)
    .bind(`file_updated:${PDF_KEY}@v${version}:`)
    .all<{ id: number; subject: string; orderId: string }>()
    .then((result) => result.results);

let twiceOrderNewest: string;

beforeAll(async () => {
  await putFile(PDF_KEY, fileBytes(2000, 4), 'application/pdf');
  for (let n = 0; n < BUYERS; n++) await order(address(n), 'field-notes');
  // One buyer bought twice (one message, about the newest order); in another letter case too.
  await order(address(0).toUpperCase(), 'field-notes', 'fulfilled', 500);
  twiceOrderNewest = await order(address(0), 'field-notes', 'fulfilled', 9_000);
  await order(`refunded-${run}@example.com`, 'field-notes', 'refunded');
  await order(`map-only-${run}@example.com`, 'trail-map-print');
});

describe('notify past buyers of a new file version', () => {
  it('refuses a file with no new version (409, nothing queued), a key not in the catalog (404) and a malformed key (400)', async () => {
    const files = adminApi(testApp(), mailEnv()).files;
    expect((await refused(files.notify.$post({ json: { key: PDF_KEY } }), 409)).error).toMatch(/npm run files -- put/);
    expect((await files.notify.$post({ json: { key: 'nope/missing.pdf' } })).status).toBe(404);
    expect((await files.notify.$post({ json: { key: '../etc/passwd' } })).status).toBe(400);
    expect(await noticeRows(2)).toEqual([]);
  });

  it(`queues at most ${FILE_NOTICES_PER_CALL} per call, one per buyer (never twice, never a refunded order's or another product's buyer), logs each call, and the email says what changed with the order link`, async () => {
    await putFile(`${PDF_KEY}@v2`, fileBytes(2100, 5), 'application/pdf');
    await env.DB.prepare("INSERT INTO file_versions (file_key, version, r2_key, size, sha256, note, published_at) VALUES (?1, 2, ?1 || '@v2', 2100, ?2, 'fixed page 3', ?3)")
      .bind(PDF_KEY, 'c'.repeat(64), Date.UTC(2026, 11, 6))
      .run();
    const shop = testApp();
    const notify = () => bodyOf(adminApi(shop, mailEnv()).files.notify.$post({ json: { key: PDF_KEY } }), 202);

    expect(await notify()).toMatchObject({ version: 2, queued: FILE_NOTICES_PER_CALL, untold: BUYERS - FILE_NOTICES_PER_CALL });
    expect(await noticeRows(2)).toHaveLength(FILE_NOTICES_PER_CALL);
    expect(await notify()).toMatchObject({ version: 2, queued: BUYERS - FILE_NOTICES_PER_CALL, untold: 0 });
    expect(await notify()).toMatchObject({ queued: 0, untold: 0, message: expect.stringContaining('already told') });

    const rows = await noticeRows(2);
    expect(rows).toHaveLength(BUYERS);
    expect(rows.find((row) => row.subject.endsWith(`:${address(0)}`))?.orderId).toBe(twiceOrderNewest);
    expect(rows.some((row) => /refunded-|map-only-/.test(row.subject))).toBe(false);

    const mail = await mailTo(address(0));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('A new version of Pattern pack (PDF) at Fieldwork Supply');
    expect(mail[0]!.text).toContain('has a new version: fixed page 3');
    expect(mail[0]!.text).toContain(`https://shop.example/success?session_id=${twiceOrderNewest}`);
    expect(await mailTo(`refunded-${run}@example.com`)).toEqual([]);

    const log = await env.DB.prepare("SELECT actor, subject, detail FROM admin_actions WHERE action = 'buyers_notified' ORDER BY id").all<{ actor: string; subject: string; detail: string }>();
    expect(log.results.map((row) => [row.subject, JSON.parse(row.detail)])).toEqual([
      [PDF_KEY, { version: 2, queued: FILE_NOTICES_PER_CALL, untold: BUYERS - FILE_NOTICES_PER_CALL }],
      [PDF_KEY, { version: 2, queued: BUYERS - FILE_NOTICES_PER_CALL, untold: 0 }],
      [PDF_KEY, { version: 2, queued: 0, untold: 0 }],
    ]);

    const files = await bodyOf(adminApi(shop, mailEnv()).files.$get());
    expect(files.files.find((file) => file.key === PDF_KEY)).toMatchObject({ version: 2, update: { note: 'fixed page 3' }, told: BUYERS, untold: 0 });
    expect(files.files.find((file) => file.key !== PDF_KEY)).toMatchObject({ version: 1, update: null, told: 0, untold: 0 });
  });

  it('a buyer whose order was refunded after the notice was queued is sent nothing', async () => {
    await env.DB.prepare("INSERT INTO file_versions (file_key, version, r2_key, size, sha256, note, published_at) VALUES (?1, 3, ?1 || '@v3', 2100, ?2, 'a dot grid', ?3)")
      .bind(PDF_KEY, 'd'.repeat(64), Date.UTC(2026, 11, 7))
      .run();
    await putFile(`${PDF_KEY}@v3`, fileBytes(2200, 6), 'application/pdf');
    const late = `late-refund-${run}@example.com`;
    const orderId = await order(late, 'field-notes');
    const shop = testApp();
    // Queued, not carried out yet: a queue that holds the messages.
    const held = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue<never>;
    await bodyOf(adminApi(shop, { ...mailEnv(), OUTBOX: held }).files.notify.$post({ json: { key: PDF_KEY } }), 202);
    const row = (await noticeRows(3)).find((candidate) => candidate.orderId === orderId);
    expect(row).toBeDefined();
    await env.DB.prepare("UPDATE orders SET status = 'refunded' WHERE id = ?1").bind(orderId).run();
    expect(await carryOut(row!.id, mailEnv(), shop.deps)).toMatchObject({ outcome: 'done' });
    expect(await mailTo(late)).toEqual([]);
  });
});
