// The built site (dist/, `npm test` builds it first) as the worker's ASSETS binding serves it,
// for worker tests that render pages: /x → x.html, /x.xml as is, anything else → 404.html with
// status 404 (wrangler.toml's not_found_handling = "404-page"). The browser tests use the real one.
const files = import.meta.glob<string>(['../../../dist/**/*.{html,xml,txt}', '../../../dist/_headers'], { query: '?raw', import: 'default', eager: true });
const DIST = '../../../dist';

function file(path: string): string | undefined {
  return files[`${DIST}${path}`];
}

const contentType = (path: string) => (path.endsWith('.xml') ? 'application/xml' : path.endsWith('.txt') ? 'text/plain' : 'text/html; charset=utf-8');

async function etagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(body));
  return `"${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}"`;
}

async function serve(path: string, status: number): Promise<Response> {
  const body = file(path)!;
  return new Response(body, { status, headers: { 'content-type': contentType(path), etag: await etagOf(body) } });
}

export function builtAssets(): Fetcher {
  if (!file('/404.html')) throw new Error('dist/ is not built: run `npx vite build` (npm test does) before the worker tests that render pages');
  return {
    async fetch(input: RequestInfo | URL) {
      const { pathname } = new URL(input instanceof Request ? input.url : input.toString());
      const candidates = pathname === '/' ? ['/index.html'] : /\.\w+$/.test(pathname) ? [pathname] : [`${pathname}.html`, `${pathname}/index.html`];
      const found = candidates.find((candidate) => file(candidate) !== undefined);
      return found ? serve(found, 200) : serve('/404.html', 404);
    },
    connect() {
      throw new Error('not a socket');
    },
  } as unknown as Fetcher;
}

/** The text of a built file, e.g. `/products/field-notes.html` or `/_headers`. */
export function builtFile(path: string): string {
  const text = file(path);
  if (text === undefined) throw new Error(`dist${path} is missing`);
  return text;
}
