// Files that change (issue 26), under `npm start`: a buyer has the pattern pack; the seller
// publishes a new version with `npm run files -- put <file key> <path> --note …` in the same
// project; the buyer's order page says what changed and the link it already had serves the new
// bytes; Notify past buyers on the back office's Health page emails the buyer once.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseResponse } from 'hono/client';
import { screenshot, useBrowser } from './support/browser';
import { pollUntil } from './support/live-shop';
import { useNpmStart } from './support/npm-start';
import { signIn } from './support/back-office';

const KEY = 'field-notes/field-notes-pattern-pack.pdf';
const shop = useNpmStart({ name: 'file-versions' });
const { getJson, backOffice, admin } = shop;
const browser = useBrowser({ baseUrl: () => shop.shopUrl() });
let shopUrl = '';
let stripeUrl = '';

describe('npm start: a catalog file replaced by a new version reaches its past buyers', () => {
  const bought = { sessionId: '', link: '', email: '' };
  let revised: Buffer;

  beforeAll(() => {
    shopUrl = shop.shopUrl();
    stripeUrl = shop.stripeUrl();
  });

  test('a buyer has the pattern pack, its download link in hand', async () => {
    const { page } = await browser.newPage();
    await page.goto('/products/field-notes');
    await Promise.all([page.waitForURL((url) => url.origin === stripeUrl && url.pathname.startsWith('/pay/')), page.click('[data-buy="field-notes"]')]);
    bought.sessionId = new URL(page.url()).pathname.split('/').pop()!;
    await Promise.all([page.waitForURL((url) => url.origin === shopUrl && url.pathname === '/success'), page.click('button[name=action][value=pay]')]);
    await page.waitForSelector('#order-status[data-status="fulfilled"]', { timeout: 30_000 });
    bought.link = (await page.getAttribute('a[data-download]', 'href'))!;
    expect(await page.locator('[data-file-update]').count()).toBe(0);
    bought.email = (await parseResponse(admin().orders[':id'].$get({ param: { id: bought.sessionId } }))).order.customerEmail!;
    expect(bought.email).toContain('@');
  });

  test('npm run files -- put <file key> --note publishes version 2: the order page says what changed, and the link from before serves the new bytes', async () => {
    const project = shop.project();
    revised = Buffer.concat([readFileSync(path.join(project, 'catalog', 'files', 'field-notes-pattern-pack.pdf')), Buffer.from('\n% page 3 fixed\n')]);
    const file = path.join(project, 'field-notes-pattern-pack.pdf');
    writeFileSync(file, revised);
    const put = spawnSync(process.execPath, ['tools/files.mjs', 'put', KEY, file, '--note', 'fixed page 3'], { cwd: project, encoding: 'utf8', timeout: 180_000 });
    expect(put.status, put.stderr).toBe(0);
    expect(put.stdout).toContain(`published ${KEY} version 2`);

    const { page } = await browser.newPage();
    await page.goto(`/success?session_id=${bought.sessionId}`);
    await page.waitForSelector('[data-file-update]');
    expect(await page.textContent('[data-file-update]')).toBe(`Updated ${new Date().toISOString().slice(0, 10)}: fixed page 3`);
    const response = await fetch(new URL(bought.link, shopUrl));
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(revised)).toBe(true);
  });

  test('Notify past buyers on the Health page emails the buyer once, with the note and the order link; the button is then gone', async () => {
    const { page } = await browser.newPage();
    await signIn(page, '/admin/health', backOffice().authorization);
    await page.waitForSelector(`li[data-file="${KEY}"] button[data-notify]`);
    expect(await page.textContent(`li[data-file="${KEY}"]`)).toContain('version 2');
    await page.click(`li[data-file="${KEY}"] button[data-notify]`);
    await page.waitForFunction(() => /will be emailed/.test(document.querySelector('#notice')?.textContent ?? ''), undefined, { timeout: 30_000 });
    expect(await page.textContent('#notice')).toContain('1 past buyer(s)');
    expect(await page.locator(`li[data-file="${KEY}"] button[data-notify]`).count()).toBe(0);
    await screenshot(page, 'npm-start-file-versions-health');

    const mail = await pollUntil(
      'the new-version email in the local mail catcher',
      async () => ((await getJson<{ messages: { subject: string; text: string }[] }>(`${stripeUrl}/mail?to=${encodeURIComponent(bought.email)}`, { accept: 'application/json' })).messages),
      (messages) => messages.some((message) => message.subject.startsWith('A new version of')),
    );
    const notices = mail.filter((message) => message.subject.startsWith('A new version of'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('has a new version: fixed page 3');
    expect(notices[0]!.text).toContain(`/success?session_id=${bought.sessionId}`);
  });
});
