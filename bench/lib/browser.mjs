// Step 5: what a buyer's browser sees, against our worker WITH its static assets:
// the same `ours` bundle as the load runs, in Miniflare with the Worker options wrangler
// derives from the repo's wrangler.toml (unstable_getMiniflareWorkerOptions: the dist/
// assets, run_worker_first routes, not-found handling; Miniflare applies dist/_headers),
// a fresh D1 with the migrations applied, and Debian's Chromium driven by playwright-core.
// Not `wrangler dev`/unstable_startWorker: those always watch the sources and reload the
// worker when anyone edits them mid-run.
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { checkoutCompleted, newSessionId, PRODUCT_ID, WEBHOOK_SECRET } from './events.mjs';
import { applyMigrations, post, startMiniflare } from './load.mjs';
import { REPO_ROOT } from './paths.mjs';
import { onCleanup } from './proc.mjs';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LATENCY_RUNS = 7;
const FULFILLED_TIMEOUT_MS = 30_000;

/** The checkout vars of a shop in embedded mode (a dummy test key: the product page must never reach Stripe). */
const EMBEDDED_CHECKOUT = {
  CHECKOUT_MODE: 'embedded',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_bench_embedded',
  STRIPE_SECRET_KEY: 'sk_test_bench_embedded',
  STRIPE_API_BASE: 'http://127.0.0.1:9',
};

/** Our worker with its static assets, on a loopback port; `vars` override wrangler.toml's. */
export async function startSiteWorker(bundle, vars = {}) {
  const { unstable_getMiniflareWorkerOptions: workerOptionsFor } = await import('wrangler');
  const { workerOptions } = workerOptionsFor(path.join(REPO_ROOT, 'wrangler.toml'));
  if (!workerOptions.assets) throw new Error('wrangler.toml configures no [assets]');
  const worker = await startMiniflare(
    bundle,
    // Test mode (wrangler.toml says live): the bench's events are test-mode events.
    { ...workerOptions.bindings, STRIPE_MODE: 'test', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, ...vars },
    { delivered: '"msg":"order delivered"' },
    // The bundle is already built: no module rules; D1 as in the load runs.
    { base: { ...workerOptions, modulesRules: undefined } },
  );
  await applyMigrations(worker.mf);
  return { ...worker, assetsDirectory: workerOptions.assets.directory };
}

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/;

/**
 * (a) The product page from a cold cache, as Chromium's network stack saw it (CDP):
 * every request, bytes on the wire (headers + encoded body), encoded and decoded body
 * sizes, and what each text body would weigh gzipped (zlib level 6).
 */
async function productPage(browser, base) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    /** @type {Map<string, any>} */
    const seen = new Map();
    const entry = (id) => seen.get(id) ?? seen.set(id, { fromCache: false }).get(id);
    cdp.on('Network.requestWillBeSent', (event) => Object.assign(entry(event.requestId), { url: event.request.url }));
    cdp.on('Network.requestServedFromCache', (event) => Object.assign(entry(event.requestId), { fromCache: true }));
    cdp.on('Network.responseReceived', (event) => {
      const headers = Object.fromEntries(Object.entries(event.response.headers).map(([name, value]) => [name.toLowerCase(), value]));
      Object.assign(entry(event.requestId), {
        status: event.response.status,
        type: event.response.mimeType,
        contentEncoding: headers['content-encoding'] ?? 'identity',
        // Bytes received when the response started: its status line and headers.
        headerBytes: event.response.encodedDataLength,
        fromCache: entry(event.requestId).fromCache || Boolean(event.response.fromDiskCache),
      });
    });
    cdp.on('Network.loadingFinished', (event) => Object.assign(entry(event.requestId), { finished: true, transferBytes: event.encodedDataLength }));
    cdp.on('Network.loadingFailed', (event) => Object.assign(entry(event.requestId), { failed: event.errorText }));

    const url = new URL(`/products/${PRODUCT_ID}`, base).href;
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.waitForSelector(`[data-product-id="${PRODUCT_ID}"]`, { timeout: 10_000 });

    const requests = [];
    for (const [requestId, item] of seen) {
      let decodedBytes = 0;
      let gzipBytes = 0;
      if (item.finished && !item.fromCache) {
        try {
          const { body, base64Encoded } = await cdp.send('Network.getResponseBody', { requestId });
          const bytes = Buffer.from(body, base64Encoded ? 'base64' : 'utf8');
          decodedBytes = bytes.length;
          gzipBytes = COMPRESSIBLE.test(item.type ?? '') ? gzipSync(bytes).length : bytes.length;
        } catch {
          // no body (redirect, 204)
        }
      }
      const encodedBodyBytes = item.fromCache ? 0 : Math.max(0, (item.transferBytes ?? 0) - (item.headerBytes ?? 0));
      if (encodedBodyBytes === 0) gzipBytes = 0; // no body crossed the wire (e.g. the tab's second favicon fetch)
      const target = new URL(item.url ?? 'about:blank');
      requests.push({
        path: target.pathname + target.search,
        status: item.status ?? 0,
        type: item.type ?? '',
        fromCache: item.fromCache,
        failed: item.failed ?? null,
        contentEncoding: item.contentEncoding ?? '',
        transferBytes: item.fromCache ? 0 : (item.transferBytes ?? 0),
        encodedBodyBytes,
        decodedBytes,
        gzipBytes,
      });
    }
    const network = requests.filter((request) => !request.fromCache);
    const origin = new URL(base).origin;
    const thirdParty = [...seen.values()].map((item) => item.url ?? '').filter((href) => href.startsWith('http') && new URL(href).origin !== origin);
    const sum = (key) => network.reduce((total, request) => total + request[key], 0);
    return {
      url,
      requests: requests.length,
      networkRequests: network.length,
      fromCache: requests.length - network.length,
      failedRequests: requests.filter((request) => request.failed).length,
      transferBytes: sum('transferBytes'),
      encodedBodyBytes: sum('encodedBodyBytes'),
      decodedBytes: sum('decodedBytes'),
      gzipBytes: sum('gzipBytes'),
      contentEncodings: [...new Set(network.map((request) => request.contentEncoding))],
      // Stripe.js and the chunk that mounts it load only once the buyer starts an embedded checkout.
      thirdPartyRequests: thirdParty,
      stripeJsRequests: requests.filter((request) => /embedded-checkout|stripe/i.test(request.path)).length + thirdParty.filter((href) => href.includes('stripe')).length,
      perRequest: requests,
    };
  } finally {
    await context.close();
  }
}

/**
 * (b) From sending the webhook until the open success page shows the order fulfilled.
 * The webhook goes out as soon as the page's first poll has been answered 404, so the
 * page learns of it on its next poll (500 ms later): the figure is mostly that wait.
 */
async function webhookToBrowser(browser, base) {
  const context = await browser.newContext();
  // Stamps, in the page, the moment #order-status turns fulfilled (page clock = Date.now, as here).
  await context.addInitScript(() => {
    new MutationObserver(() => {
      const region = document.getElementById('order-status');
      if (region?.dataset.status === 'fulfilled' && !('benchFulfilledAt' in window)) Object.assign(window, { benchFulfilledAt: Date.now() });
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const webhookUrl = new URL('/webhooks/stripe', base);
  try {
    const runs = [];
    for (let i = 0; i < LATENCY_RUNS; i++) {
      const sessionId = newSessionId();
      const delivery = checkoutCompleted({ sessionId });
      const page = await context.newPage();
      /** @type {number[]} */
      const pollTimes = [];
      let firstPollStatus = 0;
      let sentAt = 0;
      let answer = /** @type {Promise<{ status: number, body: string, answeredAt: number }> | null} */ (null);
      page.on('response', (response) => {
        if (!response.url().endsWith(`/api/orders/${sessionId}`)) return;
        pollTimes.push(Date.now());
        if (answer) return;
        firstPollStatus = response.status();
        sentAt = Date.now();
        answer = post(webhookUrl, delivery, agent).then((result) => ({ ...result, answeredAt: Date.now() }));
      });
      await page.goto(new URL(`/success?session_id=${sessionId}`, base).href);
      await page.waitForFunction(() => 'benchFulfilledAt' in window, null, { timeout: FULFILLED_TIMEOUT_MS });
      await page.locator('#order-status[data-status="fulfilled"]').waitFor({ timeout: 1_000 });
      const fulfilledAt = /** @type {number} */ (await page.evaluate(() => /** @type {any} */ (window).benchFulfilledAt));
      if (!answer) throw new Error('the success page never polled the order');
      const { status, body, answeredAt } = await answer;
      if (status !== 200) throw new Error(`webhook answered ${status}: ${body}`);
      if (firstPollStatus !== 404) throw new Error(`the first poll answered ${firstPollStatus}, expected 404 (no order yet)`);
      runs.push({ sessionId, latencyMs: fulfilledAt - sentAt, webhookMs: answeredAt - sentAt, polls: pollTimes.length, pollGapsMs: pollTimes.slice(1).map((t, j) => t - (pollTimes[j] ?? t)) });
      await page.close();
    }
    const sorted = runs.map((run) => run.latencyMs).sort((a, b) => a - b);
    return {
      runs,
      medianMs: /** @type {number} */ (sorted[Math.floor(sorted.length / 2)]),
      minMs: /** @type {number} */ (sorted[0]),
      maxMs: /** @type {number} */ (sorted.at(-1)),
      medianWebhookMs: /** @type {number} */ (runs.map((run) => run.webhookMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]),
    };
  } finally {
    agent.destroy();
    await context.close();
  }
}

/**
 * (c) The same product page with CHECKOUT_MODE=embedded (and a Stripe key, so the cart is offered):
 * its weight must equal (a)'s, with no Stripe.js and no embedded-checkout chunk before the buyer
 * starts checking out.
 */
async function embeddedProductPage(bundle, browser) {
  const site = await startSiteWorker(bundle, EMBEDDED_CHECKOUT);
  try {
    return await productPage(browser, site.url);
  } finally {
    await site.dispose();
  }
}

/** @param {{ scriptPath: string, compatibilityDate: string }} bundle our worker, as built for the load runs */
export async function browserFigures(bundle) {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
  const site = await startSiteWorker(bundle);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const unregister = onCleanup(() => browser.close());
  try {
    const product = await productPage(browser, site.url);
    const latency = await webhookToBrowser(browser, site.url);
    const productEmbedded = await embeddedProductPage(bundle, browser);
    return { chromium: browser.version(), baseUrl: site.url.href, assets: site.assetsDirectory, product, productEmbedded, latency, deliverHookCalls: site.log.counts.delivered };
  } finally {
    unregister();
    await browser.close();
    await site.dispose();
  }
}
