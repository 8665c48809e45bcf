// Buying the sample PDF offline and downloading it: the bytes saved are the seeded file's.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import catalog from '../../catalog/catalog.json';
import { screenshot, useBrowser } from './support/browser';
import { checkout, clickBuy, openProduct, waitForStatus } from './support/flows';

const browser = useBrowser();
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('digital delivery', () => {
  test('buying the pattern pack: Download saves the seeded PDF (same SHA-256), and the licence key is shown', async () => {
    const fieldNotes = catalog.products.find((product) => product.id === 'field-notes')!;
    const file = fieldNotes.files![0]!;
    const seeded = readFileSync(new URL(`../../catalog/files/${file.key.split('/').pop()}`, import.meta.url));
    const { page } = await browser.newPage({ acceptDownloads: true });

    await openProduct(page, fieldNotes.id);
    await clickBuy(page, fieldNotes.id);
    await checkout(page, 'pay');
    await waitForStatus(page, 'fulfilled');

    const button = page.locator('a[data-download]');
    expect(await button.count()).toBe(1);
    expect((await button.textContent())?.trim()).toBe(`Download ${file.name}`);
    expect(await page.locator('.downloads__meta').textContent()).toContain('3.0 KB · 10 of 10 downloads left');
    expect(await page.locator('[data-licence-key="field-notes"]').textContent()).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    await screenshot(page, 'success-downloads');

    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('field-notes-pattern-pack.pdf');
    const saved = readFileSync(await download.path());
    expect(sha256(saved)).toBe(sha256(seeded));
    // The page stays the order page: the file came as an attachment, not a navigation.
    expect(new URL(page.url()).pathname).toBe('/success');
  });
});
