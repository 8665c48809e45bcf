// The seller resets one file's download count: the buyer at the limit downloads again; the
// reset is logged with who, why and the count it took away; nothing else changes.
import { env } from 'cloudflare:workers';
import type { InferRequestType } from 'hono/client';
import { describe, expect, it } from 'vitest';
import type { AdminDownloadsResetResponse } from '../../../contract/api';
import { bodyOf, refused, testApp } from '../support/app';
import { adminApi, adminEnv, adminPost, seedOrder, SYNC_TOKEN } from '../support/back-office';
import { buy, downloadCount, fileBytes, get, orderOf, PNG_KEY, putFile } from '../delivery/support';

type ResetRequest = InferRequestType<ReturnType<typeof adminApi>['orders'][':id']['downloads-reset']['$post']>['json'];

const reset = (orderId: string, body: ResetRequest, headers?: Record<string, string>) =>
  adminApi(testApp(), adminEnv(), headers).orders[':id']['downloads-reset'].$post({ param: { id: orderId }, json: body });

describe('POST /api/admin/orders/:id/downloads-reset', () => {
  it('a buyer at the limit downloads again after the reset; the history shows who reset which file, why, and from what count', async () => {
    await putFile(PNG_KEY, fileBytes(700, 3), 'image/png');
    const app = testApp();
    const { session } = await buy(app, 'trail-map-print');
    const link = (await orderOf(app, session.id)).downloads[0]!;
    for (let i = 0; i < link.limit; i++) expect((await app.send(get(link.url))).status).toBe(200);
    expect((await app.send(get(link.url))).status).toBe(410);

    const answer = await bodyOf(reset(session.id, { file: PNG_KEY, reason: 'the buyer lost the file in a disk crash' }));
    expect(answer).toEqual({ file: PNG_KEY, was: link.limit, message: expect.stringMatching(/reset to 0/) } satisfies AdminDownloadsResetResponse);
    expect(await downloadCount(session.id, PNG_KEY)).toBe(0);
    expect((await app.send(get(link.url))).status).toBe(200);

    const detail = await bodyOf(adminApi(testApp()).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.actions.filter((a) => a.action === 'downloads_reset')).toEqual([
      { at: expect.any(String), actor: 'SYNC_TOKEN', action: 'downloads_reset', detail: { file: PNG_KEY, from: link.limit, reason: 'the buyer lost the file in a disk crash' } },
    ]);
    expect(detail.order.status).toBe('fulfilled');
  });

  it('a file never downloaded → 404 saying so, nothing logged', async () => {
    const id = await seedOrder({ createdAt: Date.now() });
    expect((await refused(reset(id, { file: PNG_KEY, reason: 'why not' }), 404)).error).toMatch(/never downloaded/);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM admin_actions WHERE subject = ? AND action = 'downloads_reset'").bind(id).first('n')).toBe(0);
  });

  it('a count already at 0 → 409, nothing logged', async () => {
    const id = await seedOrder({ createdAt: Date.now() });
    await env.DB.prepare('INSERT INTO download_counts (order_id, file_key, count, last_at) VALUES (?, ?, 0, 1)').bind(id, PNG_KEY).run();
    expect((await reset(id, { file: PNG_KEY, reason: 'again' })).status).toBe(409);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM admin_actions WHERE subject = ? AND action = 'downloads_reset'").bind(id).first('n')).toBe(0);
  });

  it.each([
    ['no reason', { file: PNG_KEY }, /^reason /],
    ['a blank reason', { file: PNG_KEY, reason: '   ' }, /reason must say why/],
    ['no file', { reason: 'x' }, /^file /],
  ])('%s → 400 naming the field, the count unchanged', async (_name, body, message) => {
    const id = await seedOrder({ createdAt: Date.now() });
    await env.DB.prepare('INSERT INTO download_counts (order_id, file_key, count, last_at) VALUES (?, ?, 3, 1)').bind(id, PNG_KEY).run();
    // Malformed bodies (a field missing) the typed client would not send: raw requests.
    expect((await refused(testApp().send(adminPost(`orders/${id}/downloads-reset`, body), adminEnv()), 400)).error).toMatch(message);
    expect(await downloadCount(id, PNG_KEY)).toBe(3);
  });

  it('an unknown order → 404; without the bearer → 401, the count unchanged', async () => {
    expect((await reset(`cs_test_a1Unknown${crypto.randomUUID().replaceAll('-', '')}`, { file: PNG_KEY, reason: 'x' })).status).toBe(404);
    const id = await seedOrder({ createdAt: Date.now() });
    await env.DB.prepare('INSERT INTO download_counts (order_id, file_key, count, last_at) VALUES (?, ?, 3, 1)').bind(id, PNG_KEY).run();
    const stranger = await reset(id, { file: PNG_KEY, reason: 'x' }, { authorization: `Bearer not-${SYNC_TOKEN}`, origin: 'https://shop.example' });
    expect(stranger.status).toBe(401);
    expect(await downloadCount(id, PNG_KEY)).toBe(3);
  });
});
