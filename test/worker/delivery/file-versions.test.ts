// A catalog file replaced by a new version (`npm run files -- put … --note`): past buyers' links,
// order pages and library serve the newest version, with its note.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { libraryPage } from '../../../worker/library/pages';
import { successPageView } from '../../../worker/storefront/success-page';
import { testApp } from '../support/app';
import { buy, downloadCount, fileBytes, get, orderOf, PDF_KEY, putFile } from './support';

const FIRST = fileBytes(3000, 1);
const SECOND = fileBytes(4200, 2);
const PUBLISHED_AT = Date.UTC(2026, 11, 6, 9, 30);
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

/** What the tool records after uploading a version (tools/files.mjs). */
async function publish(fileKey: string, version: number, bytes: Uint8Array, note: string, publishedAt = PUBLISHED_AT) {
  const r2Key = `${fileKey}@v${version}`;
  await putFile(r2Key, bytes, 'application/pdf');
  await env.DB.prepare('INSERT INTO file_versions (file_key, version, r2_key, size, sha256, note, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)')
    .bind(fileKey, version, r2Key, bytes.length, 'a'.repeat(64), note, publishedAt)
    .run();
}

beforeAll(async () => {
  await putFile(PDF_KEY, FIRST, 'application/pdf');
});

describe('a file replaced by a new version', () => {
  it('a link signed before the version was published downloads the new bytes, counted against the same file; the order page then shows its size and note', async () => {
    const app = testApp();
    const { session } = await buy(app);
    const before = await orderOf(app, session.id);
    expect(before.downloads[0]).toMatchObject({ size: FIRST.length, update: null });

    await publish(PDF_KEY, 2, SECOND, 'fixed page 3');
    const response = await app.send(get(before.downloads[0]!.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('filename="field-notes-pattern-pack.pdf"');
    expect(await bytesOf(response)).toEqual(SECOND);

    const after = await orderOf(app, session.id);
    expect(after.downloads[0]).toMatchObject({ size: SECOND.length, used: 1, update: { version: 2, note: 'fixed page 3', publishedAt: new Date(PUBLISHED_AT).toISOString() } });
    expect(successPageView({ kind: 'order', order: after }).html).toContain('Updated 2026-12-06: fixed page 3');
  });

  it('the newest of several versions is served, and a Range request reads from it', async () => {
    const app = testApp();
    const { session } = await buy(app);
    const third = fileBytes(5100, 3);
    await publish(PDF_KEY, 3, third, 'added a dot grid', PUBLISHED_AT + 86_400_000);
    const order = await orderOf(app, session.id);
    expect(order.downloads[0]).toMatchObject({ size: third.length, update: { version: 3, note: 'added a dot grid' } });
    const response = await app.send(get(order.downloads[0]!.url, { range: 'bytes=-10' }));
    expect(response.status).toBe(206);
    expect(await bytesOf(response)).toEqual(third.slice(-10));
  });

  it("a version whose bytes are missing from the bucket is neither linked nor served: an earlier link answers 404 and counts nothing (no older bytes instead)", async () => {
    const app = testApp();
    const { session } = await buy(app);
    const { url } = (await orderOf(app, session.id)).downloads[0]!;
    await env.DB.prepare("INSERT INTO file_versions (file_key, version, r2_key, size, sha256, note, published_at) VALUES (?1, 9, ?1 || '@v9', 1, ?2, 'lost upload', ?3)")
      .bind(PDF_KEY, 'b'.repeat(64), PUBLISHED_AT + 2 * 86_400_000)
      .run();
    try {
      expect((await orderOf(app, session.id)).downloads).toEqual([]);
      expect((await app.send(get(url))).status).toBe(404);
      expect(await downloadCount(session.id, PDF_KEY)).toBe(0);
    } finally {
      await env.DB.prepare('DELETE FROM file_versions WHERE file_key = ?1 AND version = 9').bind(PDF_KEY).run();
    }
  });

  it("the library shows a file's version note next to its download", () => {
    const html = libraryPage('buyer@example.com', [
      {
        order: { id: 'cs_test_lib', createdAt: '2026-12-01T00:00:00.000Z', amountTotal: 1200, currency: 'usd', status: 'fulfilled', subscription: false },
        lineItems: [],
        downloads: [{ product: { id: 'field-notes', name: 'Field Notes' }, name: 'Pattern pack (PDF)', filename: 'x.pdf', size: 1, contentType: 'application/pdf', url: '/downloads/x', expiresAt: '', limit: 1, used: 0, update: { version: 2, note: 'fixed <page> 3', publishedAt: '2026-12-06T09:30:00.000Z' } }],
        licenceKeys: [],
      } as never,
    ]);
    expect(html).toContain('Updated 2026-12-06: fixed &#60;page&#62; 3');
  });
});
