#!/usr/bin/env node
// @ts-check
// npm run licence-keys — adds the seller's licence keys (one a line) to a pool product's
// pool in the worker's D1, through the back office's POST /api/admin/licence-keys, a
// thousand a request. A key already in the pool is not added twice.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ADMIN_AUTH_HELP, AdminAuthError, adminAuth, refusalOf } from './lib/admin-auth.mjs';

/** contract/limits.ts MAX_LICENCE_KEYS_PER_UPLOAD: what one request may carry. */
const PER_REQUEST = 1000;
const DEFAULT_WORKER = 'http://127.0.0.1:8787';

const HELP = `Usage: npm run licence-keys -- <product> <file> [--worker <url>]

Adds the licence keys in <file> (one a line; blank lines and lines starting with # are
skipped) to the pool of <product> (catalog.json "licence": "pool"), ${PER_REQUEST} a request.

Options:
  --worker <url>   the shop (default: ${DEFAULT_WORKER}, npm start's)
  -h, --help       this text

Environment (SYNC_TOKEN, or the two CF_ACCESS_ variables):
${ADMIN_AUTH_HELP}
`;

class UsageError extends Error {}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { worker: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [product, file] = positionals;
  if (!product || !file || positionals.length > 2) throw new UsageError('give a product id and a file of keys');
  const worker = (values.worker ?? DEFAULT_WORKER).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(worker)) throw new UsageError(`--worker must be an http(s) URL, not ${worker}`);
  let auth;
  try {
    auth = adminAuth(process.env);
  } catch (error) {
    if (error instanceof AdminAuthError) throw new UsageError(error.message);
    throw error;
  }
  const keys = (await readFile(file, 'utf8'))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  if (keys.length === 0) throw new UsageError(`${file} holds no keys`);
  let added = 0;
  let available = 0;
  for (let start = 0; start < keys.length; start += PER_REQUEST) {
    const chunk = keys.slice(start, start + PER_REQUEST);
    const response = await fetch(`${worker}/api/admin/licence-keys`, {
      method: 'POST',
      headers: { ...auth.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ product, keys: chunk }),
      redirect: 'manual',
    });
    const text = await response.text();
    const refusal = refusalOf(response, auth);
    if (refusal) throw new Error(refusal);
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: text.slice(0, 300) };
    }
    if (!response.ok) throw new Error(`the worker refused keys ${start + 1}–${start + chunk.length} (${response.status}): ${body?.error ?? text}. Keys before them were added.`);
    added += body.added;
    available = body.available;
    console.log(`keys ${start + 1}–${start + chunk.length}: ${body.added} added`);
  }
  console.log(`${added} of ${keys.length} keys added (the rest were in the pool already); ${available} available for ${product}.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof UsageError ? `licence-keys: ${error.message}\n\n${HELP}` : `licence-keys failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
