#!/usr/bin/env node
// @ts-check
// npm run files — the digital products' files in the R2 bucket FILES, through wrangler's
// own R2 commands (local by default, the real bucket with --remote).
//
//   put <product> <path>   upload a file the catalog names for the product, then read it back
//   put <file key> <path> --note "what changed"
//                          publish a new version of a catalog file: its own R2 key, recorded in D1
//   check                  does every file the catalog names exist in the bucket, unchanged?
//   seed                   the sample files (catalog/files/) into the local bucket, and sample
//                          licence keys into the local pool; `npm start` runs it
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const SAMPLES = path.join(ROOT, 'catalog', 'files');
/** Sample pool keys per pool product: fixed, so that seeding again adds none. */
const SAMPLE_POOL_KEYS = 20;

const HELP = `Usage: npm run files -- <command> [options]

Commands:
  put <product> <path>   upload <path> as the catalog file of <product> whose key ends in the
                         same file name (or its only file), then read it back to compare
  put <file key|product> <path> --note "what changed"
                         publish <path> as a NEW VERSION of that catalog file: uploaded under
                         <file key>@v<n>, read back, and recorded in D1 (table file_versions, and
                         the back office's log); buyers' links serve the newest version at once
  check                  list every file catalog.json names and whether the bucket has it
  seed                   put the sample files of catalog/files/ into the LOCAL bucket and
                         sample licence keys into the local pool (npm start runs this)

Options:
  --note <text>          with put: publish a new version, with what changed (1-500 characters,
                         shown to buyers: "Updated 2026-12-06: <text>")
  --remote               the real bucket (default: the local one wrangler dev uses)
  --persist-to <dir>     wrangler's local state directory (default: .wrangler/state)
  --config <path>        wrangler.toml (default: ./wrangler.toml)
  -h, --help             this text
`;

class UsageError extends Error {}

function options(argv) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        remote: { type: 'boolean', default: false },
        note: { type: 'string' },
        'persist-to': { type: 'string' },
        config: { type: 'string', default: path.join(ROOT, 'wrangler.toml') },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function loadCatalog() {
  return JSON.parse(readFileSync(path.join(ROOT, 'catalog', 'catalog.json'), 'utf8'));
}

/** The FILES bucket's name, from wrangler.toml's [[r2_buckets]] (a small reader: one binding, quoted values). */
function bucketName(config) {
  const text = readFileSync(config, 'utf8');
  for (const block of text.split(/^\[\[r2_buckets\]\]\s*$/m).slice(1)) {
    const body = block.split(/^\[/m)[0] ?? '';
    if (/^binding\s*=\s*"FILES"/m.test(body)) {
      const name = /^bucket_name\s*=\s*"([^"]+)"/m.exec(body)?.[1];
      if (name) return name;
    }
  }
  throw new UsageError(`${config} has no [[r2_buckets]] with binding = "FILES" and a bucket_name`);
}

function wrangler(args, where, input) {
  const location = where.remote ? ['--remote'] : ['--local', ...(where.persistTo ? ['--persist-to', where.persistTo] : [])];
  const result = spawnSync(process.execPath, [WRANGLER, ...args, ...location, '--config', where.config], {
    cwd: ROOT,
    input,
    maxBuffer: 1024 ** 3,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout ?? Buffer.alloc(0), stderr: result.stderr?.toString('utf8') ?? '' };
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The object's bytes, or null when the bucket does not have it. */
function getObject(where, key) {
  const result = wrangler(['r2', 'object', 'get', `${where.bucket}/${key}`, '--pipe'], where);
  if (result.status === 0) return result.stdout;
  if (/not found|does not exist|NoSuchKey/i.test(result.stderr)) return null;
  throw new Error(`wrangler r2 object get ${where.bucket}/${key} failed: ${result.stderr.trim()}`);
}

function putObject(where, key, file, contentType) {
  const args = ['r2', 'object', 'put', `${where.bucket}/${key}`, '--file', file, ...(contentType ? ['--content-type', contentType] : [])];
  const result = wrangler(args, where);
  if (result.status !== 0) throw new Error(`wrangler r2 object put ${where.bucket}/${key} failed: ${result.stderr.trim()}`);
}

/** Every file a product delivers: its files, and a subscription's per-period files. */
const productFiles = (product) => [...(product.files ?? []), ...(product.periodFiles ?? [])];

/** A catalog file named by its key: the file and the first digital product that delivers it; undefined if none. */
function findByKey(catalog, key) {
  for (const product of catalog.products.filter((candidate) => candidate.digital)) {
    const file = productFiles(product).find((candidate) => candidate.key === key);
    if (file) return { product, file };
  }
  return undefined;
}

function findFile(product, source) {
  const files = productFiles(product);
  const name = path.basename(source);
  const named = files.find((file) => file.key.split('/').pop() === name);
  if (named) return named;
  if (files.length === 1) return files[0];
  const keys = files.map((file) => file.key).join(', ') || 'none';
  throw new UsageError(`catalog.json names no file called ${name} for ${product.id} (its files: ${keys}); add it to the product's "files" (or "periodFiles") first`);
}

/** The product and catalog file `target` names: a catalog file key, or a product id (its file named like `source`). */
function resolveTarget(catalog, target, source) {
  const byKey = findByKey(catalog, target);
  if (byKey) return byKey;
  const product = catalog.products.find((candidate) => candidate.id === target);
  if (!product) throw new UsageError(`no product or catalog file key ${target} in catalog.json (products: ${catalog.products.map((p) => p.id).join(', ')})`);
  if (!product.digital) throw new UsageError(`${target} is not digital ("digital": false in catalog.json): it delivers no files`);
  return { product, file: findFile(product, source) };
}

/** `verify`: read the object back and compare (put does; seed trusts wrangler, to keep npm start quick). */
function put(where, catalog, target, source, verify = true) {
  if (!target || !source) throw new UsageError('put needs a product id (or a catalog file key) and a file path');
  const { file } = resolveTarget(catalog, target, source);
  if (!existsSync(source)) throw new UsageError(`no such file: ${source}`);
  const bytes = readFileSync(source);
  putObject(where, file.key, source, file.contentType);
  if (verify) {
    const stored = getObject(where, file.key);
    if (!stored || sha256(stored) !== sha256(bytes)) throw new Error(`${where.bucket}/${file.key} does not read back as ${source} wrote it`);
  }
  console.log(`put ${source} → ${where.bucket}/${file.key} (${bytes.length} bytes, sha256 ${sha256(bytes).slice(0, 16)}…, ${where.remote ? 'remote' : 'local'})`);
}

const sqlText = (value) => `'${String(value).replaceAll("'", "''")}'`;

/** Runs SQL on the D1 database DB (local or remote, as the bucket); with `--json`, the rows of its last statement. */
function d1(where, sql) {
  const result = wrangler(['d1', 'execute', 'DB', '--json', '--command', sql], where);
  if (result.status !== 0) throw new Error(`wrangler d1 execute failed (are the migrations applied? npm run db:migrate:local): ${result.stderr.trim() || result.stdout.toString().trim()}`);
  const answers = JSON.parse(result.stdout.toString('utf8'));
  return answers.at(-1)?.results ?? [];
}

/**
 * A new version of a catalog file: uploaded under its own key (the catalog key keeps version 1, so
 * nothing is overwritten a buyer may be downloading), read back, then recorded with the seller's
 * note and logged as 'file_version_published'. The same bytes as the newest version publish nothing.
 */
function publishVersion(where, catalog, target, source, rawNote) {
  if (!target || !source) throw new UsageError('put needs a catalog file key (or a product id) and a file path');
  const note = rawNote.trim();
  if (note.length < 1 || note.length > 500) throw new UsageError('--note must say what changed in 1-500 characters');
  const { product, file } = resolveTarget(catalog, target, source);
  if (!existsSync(source)) throw new UsageError(`no such file: ${source}`);
  const bytes = readFileSync(source);
  const digest = sha256(bytes);
  const [newest] = d1(where, `SELECT version, sha256 FROM file_versions WHERE file_key = ${sqlText(file.key)} ORDER BY version DESC LIMIT 1`);
  const current = newest ? newest.sha256 : (() => {
    const original = getObject(where, file.key);
    return original ? sha256(original) : null;
  })();
  if (current === digest) {
    console.log(`unchanged: ${file.key} version ${newest?.version ?? 1} already has these bytes (sha256 ${digest.slice(0, 16)}…); nothing published`);
    return;
  }
  const version = (newest?.version ?? 1) + 1;
  const r2Key = `${file.key}@v${version}`;
  putObject(where, r2Key, source, file.contentType);
  const stored = getObject(where, r2Key);
  if (!stored || sha256(stored) !== digest) throw new Error(`${where.bucket}/${r2Key} does not read back as ${source} wrote it; nothing recorded`);
  const now = Date.now();
  const detail = JSON.stringify({ version, r2Key, size: bytes.length, sha256: digest, note, product: product.id });
  d1(
    where,
    `INSERT INTO file_versions (file_key, version, r2_key, size, sha256, note, published_at) VALUES (${sqlText(file.key)}, ${version}, ${sqlText(r2Key)}, ${bytes.length}, ${sqlText(digest)}, ${sqlText(note)}, ${now});
     INSERT INTO admin_actions (at, actor, action, subject, detail) VALUES (${now}, 'npm run files', 'file_version_published', ${sqlText(file.key)}, ${sqlText(detail)});`,
  );
  console.log(`published ${file.key} version ${version}: ${source} → ${where.bucket}/${r2Key} (${bytes.length} bytes, sha256 ${digest.slice(0, 16)}…, ${where.remote ? 'remote' : 'local'}) — "${note}"`);
  console.log(`buyers' links serve it now; tell past buyers from the back office (Health → Files → Notify past buyers)`);
}

/** Every catalog file, present or missing; true when all are present. */
function check(where, catalog) {
  let missing = 0;
  for (const product of catalog.products.filter((candidate) => candidate.digital)) {
    const files = productFiles(product);
    if (files.length === 0) {
      missing++;
      console.log(`MISSING  ${product.id}: catalog.json names no files for this digital product`);
    }
    for (const file of files) {
      const stored = getObject(where, file.key);
      if (stored) console.log(`ok       ${product.id}: ${file.key} (${stored.length} bytes)`);
      else {
        missing++;
        console.log(`MISSING  ${product.id}: ${file.key} — npm run files -- put ${product.id} <path>${where.remote ? ' --remote' : ''}`);
      }
    }
  }
  console.log(missing === 0 ? 'catalog and bucket agree' : `${missing} file(s) the catalog names are not in the bucket`);
  return missing === 0;
}

function seed(where, catalog) {
  if (where.remote) throw new UsageError('seed fills the local bucket only; upload real files with put --remote');
  for (const product of catalog.products.filter((candidate) => candidate.digital)) {
    for (const file of productFiles(product)) {
      const sample = path.join(SAMPLES, file.key.split('/').pop());
      if (existsSync(sample)) put(where, catalog, product.id, sample, false);
      else console.log(`no sample for ${file.key} in catalog/files/: skipped`);
    }
  }
  const pooled = catalog.products.filter((product) => product.licence === 'pool');
  if (pooled.length === 0) return;
  // Fixed keys and ON CONFLICT DO NOTHING: seeding twice adds nothing. Ids are catalog slugs (no quotes).
  const rows = pooled.flatMap((product) =>
    Array.from({ length: SAMPLE_POOL_KEYS }, (_, i) => `('${product.id}', 'SAMPLE-${product.id.toUpperCase()}-${String(i + 1).padStart(4, '0')}', 'pool', 0)`),
  );
  const sql = `INSERT INTO licence_keys (product_id, key, source, added_at) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING;`;
  const result = wrangler(['d1', 'execute', 'DB', '--command', sql], where);
  if (result.status !== 0) throw new Error(`adding sample licence keys failed (are the migrations applied? npm run db:migrate:local): ${result.stderr.trim()}`);
  console.log(`sample licence keys in the local pool for ${pooled.map((product) => product.id).join(', ')}`);
}

function main(argv) {
  const { values, positionals } = options(argv);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const where = { remote: values.remote, persistTo: values['persist-to'], config: path.resolve(values.config), bucket: bucketName(path.resolve(values.config)) };
  const catalog = loadCatalog();
  if (command === 'put' && values.note !== undefined) publishVersion(where, catalog, rest[0], rest[1], values.note);
  else if (command === 'put') put(where, catalog, rest[0], rest[1]);
  else if (command === 'check') return check(where, catalog) ? 0 : 1;
  else if (command === 'seed') seed(where, catalog);
  else throw new UsageError(`unknown command ${command}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof UsageError ? `${error.message}\n\n${HELP}` : `error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
