// The back office's pages in the built site (`npm test` builds first): their code loads on
// their pages only, they are not indexed, and they keep no secret.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const ADMIN_PAGES = ['index', 'order', 'customer', 'subscriptions', 'ledger', 'health'].map((name) => `admin/${name}.html`);

/** Every script a page loads: its module scripts, preloads, and what those import, transitively. */
function scriptsOf(page: string): Set<string> {
  const html = readFileSync(path.join(dist, page), 'utf8');
  const pending = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const seen = new Set<string>();
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(path.join(dist, file), 'utf8');
    for (const m of code.matchAll(/from\s*["']\.{1,2}\/([^"']+\.js)["']|import\(["']\.{1,2}\/([^"']+\.js)["']\)/g)) {
      const relative = m[1] ?? m[2]!;
      pending.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[0].includes('../') ? '../' : './', relative)));
    }
  }
  return seen;
}

const shopPages = () => [
  ...readdirSync(dist).filter((f) => f.endsWith('.html')),
  ...readdirSync(path.join(dist, 'products')).map((f) => `products/${f}`),
];

describe('back-office pages in dist/', () => {
  beforeAll(() => {
    if (!existsSync(path.join(dist, 'admin/index.html'))) throw new Error('dist/admin/ is missing: run `npm run build` first');
  });

  it('every back-office page is built, marked noindex, and loads code that calls /api/admin', () => {
    for (const page of ADMIN_PAGES) {
      const html = readFileSync(path.join(dist, page), 'utf8');
      expect(html, page).toContain('<meta name="robots" content="noindex, nofollow" />');
      const code = [...scriptsOf(page)].map((file) => readFileSync(path.join(dist, file), 'utf8')).join('\n');
      expect(code, page).toContain('/api/admin/');
    }
  });

  it('no shop page loads back-office code (nothing it loads mentions /api/admin or the token)', () => {
    const pages = shopPages();
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) {
      for (const file of scriptsOf(page)) {
        const code = readFileSync(path.join(dist, file), 'utf8');
        expect(code.includes('/api/admin') || code.includes('backOfficeToken'), `${page} loads ${file}`).toBe(false);
      }
      expect(readFileSync(path.join(dist, page), 'utf8'), page).not.toContain('admin.css');
    }
  });

  it('the sitemap does not list the back office', () => {
    expect(readFileSync(path.join(dist, 'sitemap.xml'), 'utf8')).not.toContain('/admin');
  });
});
