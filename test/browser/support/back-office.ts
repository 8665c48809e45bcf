// The back office as a seller without Cloudflare Access reaches it: the page asks for the
// SYNC_TOKEN bearer, and the seller types it in.
import type { Page } from 'playwright-core';

/** Opens the back-office page at `path` and signs in with `token` (the bearer, with or without its `Bearer ` prefix). */
export async function signIn(page: Page, path: string, token: string): Promise<void> {
  await page.goto(path);
  await page.waitForSelector('form.login input#token');
  await page.fill('input#token', token.replace(/^Bearer /, ''));
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('form.login', { state: 'detached' });
}
