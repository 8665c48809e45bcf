// Step 8: Lighthouse (the `lighthouse` npm package, mobile preset with its simulated
// throttling, so runs compare) against our worker with its static assets, as in step 5, in
// Debian's Chromium launched by chrome-launcher (CHROME_PATH). Offline: everything is on loopback.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM_PATH, startSiteWorker } from './browser.mjs';
import { onCleanup } from './proc.mjs';

/** The pages measured: two indexable ones and the (noindex) cart. */
export const LIGHTHOUSE_PAGES = [
  { name: 'home', path: '/', indexable: true },
  { name: 'product', path: '/products/field-notes', indexable: true },
  { name: 'cart', path: '/cart', indexable: false },
];
/** The targets. */
export const LIGHTHOUSE_TARGETS = { performance: 95, accessibility: 100, bestPractices: 100, seo: 100, cls: 0.01 };

const score = (category) => (category?.score === null || category?.score === undefined ? null : Math.round(category.score * 100));

/** @param {{ scriptPath: string, compatibilityDate: string }} bundle */
export async function lighthouseFigures(bundle) {
  process.env.CHROME_PATH ??= CHROMIUM_PATH;
  const site = await startSiteWorker(bundle);
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const unregister = onCleanup(() => chrome.kill());
  try {
    const pages = [];
    for (const { name, path, indexable } of LIGHTHOUSE_PAGES) {
      const url = new URL(path, site.url).href;
      // Default config = the mobile preset (Moto G Power, simulated slow 4G and 4× CPU slowdown).
      const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' });
      if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
      const { categories, audits, runtimeError, lighthouseVersion } = result.lhr;
      if (runtimeError) throw new Error(`lighthouse ${url}: ${runtimeError.code} ${runtimeError.message}`);
      const failing = Object.values(categories)
        .flatMap((category) => category.auditRefs.filter((ref) => ref.weight > 0).map((ref) => audits[ref.id]))
        .filter((audit) => audit && audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== 'informative' && audit.scoreDisplayMode !== 'manual')
        .map((audit) => `${audit.id} (${audit.score})`);
      pages.push({
        name,
        path,
        indexable,
        lighthouseVersion,
        performance: score(categories.performance),
        accessibility: score(categories.accessibility),
        bestPractices: score(categories['best-practices']),
        seo: score(categories.seo),
        lcpMs: audits['largest-contentful-paint']?.numericValue ?? null,
        tbtMs: audits['total-blocking-time']?.numericValue ?? null,
        cls: audits['cumulative-layout-shift']?.numericValue ?? null,
        failingAudits: failing,
      });
    }
    return { chromePath: process.env.CHROME_PATH, pages, targets: LIGHTHOUSE_TARGETS, targetsMet: pages.every(meetsTargets) };
  } finally {
    unregister();
    chrome.kill();
    await site.dispose();
  }
}

/** Performance ≥ 95 everywhere; accessibility, best practices and SEO = 100 on indexable pages; CLS ≤ 0.01. */
export function meetsTargets(page) {
  const t = LIGHTHOUSE_TARGETS;
  return (
    page.performance >= t.performance &&
    page.cls <= t.cls &&
    (!page.indexable || (page.accessibility >= t.accessibility && page.bestPractices >= t.bestPractices && page.seo >= t.seo))
  );
}
