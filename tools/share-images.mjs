#!/usr/bin/env node
// Renders each catalog product's SVG image as a 1200×630 PNG for link previews and search
// results (which do not show SVG), in Debian's Chromium: site/public/images/share/<id>.png,
// plus shop.png (the home page) and product.png (products that exist only in Stripe).
// Run after changing an image: `node tools/share-images.mjs`; the PNGs are committed.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const publicDir = path.join(root, 'site/public');
const outDir = path.join(publicDir, 'images/share');
const catalog = JSON.parse(readFileSync(path.join(root, 'catalog/catalog.json'), 'utf8'));

const svg = (file) => `data:image/svg+xml;base64,${readFileSync(path.join(publicDir, file)).toString('base64')}`;
const page = (image, caption) => `<!doctype html><html><body style="margin:0;width:1200px;height:630px;display:flex;align-items:center;gap:48px;padding:0 64px;box-sizing:border-box;background:#f3e6d6;font:600 56px/1.15 system-ui,sans-serif;color:#1f2a24">
  <img src="${image}" width="600" height="450" style="border-radius:24px;flex:none" alt="">
  <div>${caption}</div></body></html>`;
const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

const jobs = [
  ...catalog.products.map((product) => ({ file: `${product.id}.png`, html: page(svg(product.image), escape(product.name)) })),
  { file: 'shop.png', html: page(svg('favicon.svg'), escape(catalog.shopName)) },
  { file: 'product.png', html: page(svg('images/product.svg'), escape(catalog.shopName)) },
];

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const tab = await browser.newPage({ viewport: { width: 1200, height: 630 } });
  for (const job of jobs) {
    await tab.setContent(job.html, { waitUntil: 'load' });
    await tab.screenshot({ path: path.join(outDir, job.file), type: 'png' });
    console.log(`share-images: ${path.relative(root, path.join(outDir, job.file))}`);
  }
} finally {
  await browser.close();
}
