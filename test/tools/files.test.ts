// npm run files: wrangler's real local R2 (and D1) in a temp state directory, never .wrangler/state.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli';

const SCRIPT = path.join(ROOT, 'tools', 'files.mjs');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' };
const PDF = path.join(ROOT, 'catalog', 'files', 'field-notes-pattern-pack.pdf');
const SLOW = 120_000;

let state: string;
const files = (...args: string[]) => runCli(SCRIPT, [...args, '--persist-to', state], WRANGLER_ENV, SLOW);

function localObject(key: string): Buffer {
  const result = spawnSync(process.execPath, [WRANGLER, 'r2', 'object', 'get', `edge-storefront-files/${key}`, '--pipe', '--local', '--persist-to', state], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
  });
  if (result.status !== 0) throw new Error(result.stderr.toString());
  return result.stdout;
}

function poolKeys(): number {
  const result = spawnSync(
    process.execPath,
    [WRANGLER, 'd1', 'execute', 'DB', '--local', '--persist-to', state, '--json', '--command', "SELECT count(*) AS n FROM licence_keys WHERE source = 'pool'"],
    { cwd: ROOT, env: { ...process.env, ...WRANGLER_ENV }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout) as { results: { n: number }[] }[])[0]!.results[0]!.n;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(() => {
  state = mkdtempSync(path.join(tmpdir(), 'storefront-files-'));
  const migrate = spawnSync(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { cwd: ROOT, env: { ...process.env, ...WRANGLER_ENV }, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(migrate.stderr);
}, SLOW);

afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('npm run files', () => {
  it('check on an empty bucket lists every catalog file as missing and exits 1', async () => {
    const result = await files('check');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('MISSING  field-notes: field-notes/field-notes-pattern-pack.pdf');
    // The subscription delivers the same pattern pack as field-notes, then a pack per renewal (two periodFiles): five files.
    expect(result.stdout).toContain('5 file(s) the catalog names are not in the bucket');
    expect(result.stdout).toContain('MISSING  field-notes-club: field-notes/field-notes-club-month-2.pdf');
  }, SLOW);

  it('put uploads a file as its catalog key, byte for byte', async () => {
    const result = await files('put', 'field-notes', PDF);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('→ edge-storefront-files/field-notes/field-notes-pattern-pack.pdf (3072 bytes');
    expect(sha256(localObject('field-notes/field-notes-pattern-pack.pdf'))).toBe(sha256(readFileSync(PDF)));
  }, SLOW);

  it('seed puts every sample file and the pool\'s sample keys; seeding twice adds no key; then catalog and bucket agree', async () => {
    expect((await files('seed')).code).toBe(0);
    const keys = poolKeys();
    expect(keys).toBe(20);
    expect((await files('seed')).code).toBe(0);
    expect(poolKeys()).toBe(keys);
    const check = await files('check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('catalog and bucket agree');
  }, SLOW * 2);

  it.each([
    [['put', 'no-such-product', PDF], 'no product no-such-product in catalog.json'],
    [['put', 'enamel-mug', PDF], 'enamel-mug is not digital'],
    [['put', 'field-notes', '/nonexistent/file.pdf'], 'no such file: /nonexistent/file.pdf'],
    [['put', 'field-notes'], 'put needs a product id and a file path'],
    [['seed', '--remote'], 'seed fills the local bucket only'],
  ])('refuses %j with exit 2 and says why, uploading nothing', async (args, message) => {
    const result = await files(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  }, SLOW);
});
