// npm run files: wrangler's real local R2 (and D1) in a temp state directory, never .wrangler/state.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function localQuery<Row>(sql: string): Row[] {
  const result = spawnSync(process.execPath, [WRANGLER, 'd1', 'execute', 'DB', '--local', '--persist-to', state, '--json', '--command', sql], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout) as { results: Row[] }[])[0]!.results;
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

  it('put <file key> --note publishes version 2 under <key>@v2, records it with its note and logs it; the same bytes again publish nothing; new bytes make version 3', async () => {
    const key = 'field-notes/field-notes-pattern-pack.pdf';
    const revised = path.join(state, 'field-notes-pattern-pack.pdf');
    writeFileSync(revised, Buffer.concat([readFileSync(PDF), Buffer.from("% page 3 fixed, it's better")]));
    const published = await files('put', key, revised, '--note', "fixed page 3's margins");
    expect(published.code).toBe(0);
    expect(published.stdout).toContain(`published ${key} version 2`);
    expect(sha256(localObject(`${key}@v2`))).toBe(sha256(readFileSync(revised)));
    expect(sha256(localObject(key))).toBe(sha256(readFileSync(PDF)));
    expect(localQuery('SELECT file_key, version, r2_key, size, sha256, note FROM file_versions')).toEqual([
      { file_key: key, version: 2, r2_key: `${key}@v2`, size: readFileSync(revised).length, sha256: sha256(readFileSync(revised)), note: "fixed page 3's margins" },
    ]);
    expect(localQuery("SELECT actor, subject, json_extract(detail, '$.version') AS version FROM admin_actions WHERE action = 'file_version_published'")).toEqual([{ actor: 'npm run files', subject: key, version: 2 }]);

    const again = await files('put', key, revised, '--note', 'the same file');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('unchanged');
    expect(localQuery<{ n: number }>('SELECT count(*) AS n FROM file_versions')[0]!.n).toBe(1);

    writeFileSync(revised, Buffer.concat([readFileSync(PDF), Buffer.from('% a dot grid too')]));
    expect((await files('put', 'field-notes', revised, '--note', 'added a dot grid')).code).toBe(0);
    expect(localQuery('SELECT version, note FROM file_versions ORDER BY version')).toEqual([
      { version: 2, note: "fixed page 3's margins" },
      { version: 3, note: 'added a dot grid' },
    ]);
  }, SLOW * 2);

  it.each([
    [['put', 'no-such-product', PDF], 'no product or catalog file key no-such-product in catalog.json'],
    [['put', 'enamel-mug', PDF], 'enamel-mug is not digital'],
    [['put', 'field-notes', '/nonexistent/file.pdf'], 'no such file: /nonexistent/file.pdf'],
    [['put', 'field-notes'], 'put needs a product id (or a catalog file key) and a file path'],
    [['put', 'field-notes/field-notes-pattern-pack.pdf', PDF, '--note', '  '], '--note must say what changed in 1-500 characters'],
    [['put', 'field-notes/field-notes-pattern-pack.pdf', PDF, '--note', 'x'.repeat(501)], '--note must say what changed in 1-500 characters'],
    [['put', 'field-notes/nope.pdf', PDF, '--note', 'fixed'], 'no product or catalog file key field-notes/nope.pdf'],
    [['seed', '--remote'], 'seed fills the local bucket only'],
  ])('refuses %j with exit 2 and says why, uploading nothing', async (args, message) => {
    const result = await files(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  }, SLOW);
});
