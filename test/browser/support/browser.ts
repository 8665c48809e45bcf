// One Chromium per test file (launched in beforeAll, closed in afterAll) and a fresh
// context per test, so no cookies, storage or buyer id leak from one test to the next.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { ARTIFACTS_DIR, CHROMIUM_PATH } from './constants';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A page plus what it did: every request URL and every console error / uncaught exception. */
export interface TrackedPage {
  page: Page;
  requests: string[];
  errors: string[];
}

export interface BrowserHarness {
  /** Base URL of the worker under test, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /**
   * A new page in a fresh browser context, with request and console tracking. `options` go to
   * the context, e.g. `{ javaScriptEnabled: false }` or a phone's viewport.
   */
  newPage(options?: BrowserContextOptions): Promise<TrackedPage>;
}

export interface BrowserOptions {
  /**
   * The worker the pages load from (relative `page.goto` paths resolve against it). Default:
   * the shared worker of the global setup. A getter, for a worker a test file starts in beforeAll.
   */
  baseUrl?: () => string;
}

/** Call at the top level of a test file. */
export function useBrowser(options: BrowserOptions = {}): BrowserHarness {
  const sharedBaseUrl = options.baseUrl ? undefined : inject('baseUrl');
  const currentBaseUrl = () => options.baseUrl?.() ?? (sharedBaseUrl as string);
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    get baseUrl() {
      return currentBaseUrl();
    },
    async newPage(options: BrowserContextOptions = {}) {
      if (!browser) throw new Error('useBrowser(): the browser is not launched yet (call newPage() inside a test)');
      const context = await browser.newContext({ baseURL: currentBaseUrl(), viewport: { width: 1280, height: 900 }, ...options });
      contexts.push(context);
      const page = await context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error') errors.push(`console.error at ${message.location().url}: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      return { page, requests, errors };
    },
  };
}

/** Saves a full-page PNG under test/artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
