// The site also builds for a separate Cloudflare Pages deployment, with the worker's origin given at build time.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const API = 'https://api.shop.example';
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'pages-build-'));
  process.env.VITE_API_BASE = `${API}/`;
  try {
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  } finally {
    delete process.env.VITE_API_BASE;
  }
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('a Pages build with VITE_API_BASE', () => {
  it('lets the pages call the worker’s origin and nothing else', async () => {
    const headers = await readFile(path.join(outDir, '_headers'), 'utf8');
    expect(headers).toMatch(new RegExp(`connect-src 'self' ${API.replaceAll('.', '\\.')};`));
  });

  it('sends API calls and Buy links to the worker’s origin, without a trailing slash', async () => {
    const assets = await readdir(path.join(outDir, 'assets'));
    const scripts = await Promise.all(assets.filter((file) => file.endsWith('.js')).map((file) => readFile(path.join(outDir, 'assets', file), 'utf8')));
    expect(scripts.some((script) => script.includes(API))).toBe(true);
    expect(scripts.some((script) => script.includes(`${API}/"`))).toBe(false);
  });
});
