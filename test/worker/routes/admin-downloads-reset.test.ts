// The seller resets one file's download count: the buyer at the limit downloads again; the
// reset is logged with who, why and the count it took away; nothing else changes.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AdminDownloadsResetResponse, AdminOrderDetail } from '../../../contract/api';
import { testApp } from '../support/app';
import { adminEnv, adminGet, adminPost, seedOrder, SYNC_TOKEN } from '../support/back-office';
import { buy, downloadCount, fileBytes, get, orderOf, PNG_KEY, putFile } from '../delivery/support';

const reset = (orderId: string, body: object) => testApp().send(adminPost(`orders/${orderId}/downloads-reset`, body), adminEnv());

describe('POST /api/admin/orders/:id/downloads-reset', () => {
  it('a buyer at the limit downloads again after the reset; the history shows who reset which file, why, and from what count', async () => {
    await putFile(PNG_KEY, fileBytes(700, 3), 'image/png');
    const app = testApp();
    const { session } = await buy(app, 'trail-map-print');
    const link = (await orderOf(app, session.id)).downloads[0]!;
    for (let i = 0; i < link.limit; i++) expect((await app.send(get(link.url))).status).toBe(200);
    expect((await app.send(get(link.url))).status).toBe(410);

    const response = await reset(session.id, { file: PNG_KEY, reason: 'the buyer lost the file in a disk crash' });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ file: PNG_KEY, was: link.limit, message: expect.stringMatching(/reset to 0/) } satisfies AdminDownloadsResetResponse);
    expect(await downloadCount(session.id, PNG_KEY)).toBe(0);
    expect((await app.send(get(link.url))).status).toBe(200);

    const detail = (await (await testApp().send(adminGet(`orders/${session.id}`), adminEnv())).json()) as AdminOrderDetail;
    expect(detail.actions.filter((a) => a.action === 'downloads_reset')).toEqual([
      { at: expect.any(String), actor: 'SYNC_TOKEN', action: 'downloads_reset', detail: { file: PNG_KEY, from: link.limit, reason: 'the buyer lost the file in a disk crash' } },
    ]);
    expect(detail.order.status).toBe('fulfilled');
  });

  it('a file never downloaded → 404 saying so, nothing logged', async () => {
    const id = await seedOrder({ createdAt: Date.now() });
    const response = await reset(id, { file: PNG_KEY, reason: 'why not' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/never downloaded/);
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
    const response = await reset(id, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect(await downloadCount(id, PNG_KEY)).toBe(3);
  });

  it('an unknown order → 404; without the bearer → 401, the count unchanged', async () => {
    expect((await reset(`cs_test_a1Unknown${crypto.randomUUID().replaceAll('-', '')}`, { file: PNG_KEY, reason: 'x' })).status).toBe(404);
    const id = await seedOrder({ createdAt: Date.now() });
    await env.DB.prepare('INSERT INTO download_counts (order_id, file_key, count, last_at) VALUES (?, ?, 3, 1)').bind(id, PNG_KEY).run();
    const stranger = await testApp().send(adminPost(`orders/${id}/downloads-reset`, { file: PNG_KEY, reason: 'x' }, { authorization: `Bearer not-${SYNC_TOKEN}` }), adminEnv());
    expect(stranger.status).toBe(401);
    expect(await downloadCount(id, PNG_KEY)).toBe(3);
  });
});
