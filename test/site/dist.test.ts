// Checks on the built site (`npm test` runs `vite build` before vitest): nothing secret is
// shipped, and dist/_headers carries the security headers Cloudflare serves with every page.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../catalog';
import catalogData from '../../catalog/catalog.json';
import { localStripeSources, storefrontConfig } from '../../vite.config';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const SECRET = /\b(sk|rk)_(test|live)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9]+/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** `Header-Name: value` lines of the `/*` block (or another path's) of a Cloudflare `_headers` file. */
function headersForAllPaths(text: string, block = '/*'): Map<string, string> {
  const headers = new Map<string, string>();
  let inBlock = false;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      inBlock = line.trim() === block;
      continue;
    }
    const match = /^\s+([^:\s]+):\s*(.*)$/.exec(line);
    if (inBlock && match) headers.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  return headers;
}

/** CSP directive name → its sources. */
function cspDirectives(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

describe('the secret pattern', () => {
  // Guards the guard: built from pieces so this file does not itself look like a leak.
  it.each([
    ['sk', 'test'],
    ['sk', 'live'],
    ['rk', 'test'],
    ['rk', 'live'],
  ])('matches %s_%s_ keys', (prefix, mode) => {
    expect(SECRET.test(`const key = "${prefix}_${mode}_51AbCdEf0123456789";`)).toBe(true);
  });

  it('matches webhook signing secrets', () => {
    expect(SECRET.test(['whsec', 'abcDEF0123456789'].join('_'))).toBe(true);
  });

  it('does not match publishable keys, session ids or Payment Links', () => {
    expect(SECRET.test('pk_test_51AbCdEf cs_test_a1B2c3 https://buy.stripe.com/test_abc plink_123 task_test_x')).toBe(
      false,
    );
  });
});

describe('dist/', () => {
  beforeAll(() => {
    if (!existsSync(path.join(dist, 'index.html'))) {
      throw new Error(`${dist}/index.html is missing: run \`npm run build\` (vite build) before these tests.`);
    }
  });

  it('contains no Stripe secret key, restricted key or webhook secret', () => {
    const files = filesUnder(dist);
    const relative = files.map((file) => path.relative(dist, file).split(path.sep).join('/'));
    // The scan must have something to look at, or it proves nothing.
    expect(files.length).toBeGreaterThan(0);
    expect(relative).toContain('index.html');
    expect(relative.some((file) => file.endsWith('.js'))).toBe(true);

    const leaks: string[] = [];
    for (const [i, file] of files.entries()) {
      const match = SECRET.exec(readFileSync(file).toString('latin1'));
      // Name the kind of secret and where, without echoing it into the test log.
      if (match) leaks.push(`${relative[i]}: ${match[0].replace(/_[A-Za-z0-9]+$/, '_…')} at offset ${match.index}`);
    }
    expect(leaks).toEqual([]);
  });

  it('has _headers with a strict CSP, nosniff and a Referrer-Policy for every path', () => {
    const file = path.join(dist, '_headers');
    expect(existsSync(file), 'dist/_headers is missing').toBe(true);
    const headers = headersForAllPaths(readFileSync(file, 'utf8'));

    const policy = headers.get('content-security-policy');
    expect(policy, 'Content-Security-Policy for /*').toBeTruthy();
    const csp = cspDirectives(policy!);
    const scriptSrc = csp.get('script-src');
    expect(scriptSrc, 'script-src directive').toBeDefined();
    expect(scriptSrc).toContain("'self'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);

    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBeTruthy();
  });

  it('only /cart gets Stripe’s Embedded Checkout sources, replacing (detaching) the /* CSP rather than adding a second policy', () => {
    const text = readFileSync(path.join(dist, '_headers'), 'utf8');
    const all = cspDirectives(headersForAllPaths(text).get('content-security-policy')!);
    expect([...all.values()].flat().filter((source) => source.includes('stripe.com') && source !== 'https://checkout.stripe.com')).toEqual([]);
    expect(all.get('script-src')).toEqual(["'self'"]);

    expect(text).toMatch(/^\/cart\n {2}! Content-Security-Policy\n {2}Content-Security-Policy: /m);
    const cart = cspDirectives(headersForAllPaths(text, '/cart').get('content-security-policy')!);
    expect(cart.get('script-src')).toEqual(["'self'", 'https://js.stripe.com', 'https://*.js.stripe.com']);
    expect(cart.get('frame-src')).toEqual(["'self'", 'https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com', 'https://checkout.stripe.com']);
    expect(cart.get('connect-src')).toEqual(["'self'", 'https://api.stripe.com', 'https://checkout.stripe.com']);
    expect(cart.get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('the local Stripe’s Stripe.js stand-in (npm start only)', () => {
  it('VITE_LOCAL_STRIPE adds exactly that loopback origin to /cart’s script-src and frame-src, nothing else', () => {
    expect(localStripeSources(undefined)).toEqual({});
    expect(localStripeSources('http://127.0.0.1:12111')).toEqual({ 'script-src': ['http://127.0.0.1:12111'], 'frame-src': ['http://127.0.0.1:12111'] });
  });

  it("VITE_LOCAL_STRIPE adds that origin to every page's form-action (a Buy form's POST is redirected to its hosted checkout); without it, only Stripe's", () => {
    const formAction = (env: Record<string, string>) => cspDirectives(String(storefrontConfig(catalogData as Catalog, env).preview?.headers?.['Content-Security-Policy'])).get('form-action');
    expect(formAction({ VITE_LOCAL_STRIPE: 'http://127.0.0.1:12111' })).toEqual(["'self'", 'https://checkout.stripe.com', 'http://127.0.0.1:12111']);
    expect(formAction({ VITE_LOCAL_STRIPE: 'http://127.0.0.1:12111', VITE_API_BASE: 'https://api.example.com' })).toEqual(["'self'", 'https://checkout.stripe.com', 'http://127.0.0.1:12111']);
    expect(formAction({})).toEqual(["'self'", 'https://checkout.stripe.com']);
  });

  it.each(['https://js.evil.example', 'http://localhost:12111', 'http://127.0.0.1:12111/v3', 'javascript:alert(1)', 'not a url'])('refuses %s', (value) => {
    expect(() => localStripeSources(value)).toThrow(/VITE_LOCAL_STRIPE/);
  });

  it('a build without it (every deploy) names no local origin anywhere', () => {
    const scripts = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) expect(readFileSync(path.join(dist, file), 'utf8'), file).not.toContain('127.0.0.1:12111');
    expect(readFileSync(path.join(dist, '_headers'), 'utf8')).not.toContain('127.0.0.1');
  });
});
