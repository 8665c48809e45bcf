import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
export const WRANGLER_BIN = path.join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** For every wrangler invocation, in-process or spawned: no telemetry, no network, no colours. */
export const WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  // Vars come only from the bench, never from the shell or .dev.vars.
  CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
  CI: 'true',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  // Wrangler's debug log (every invocation appends; it names this file if it logged an error).
  WRANGLER_LOG_PATH: path.join(BENCH_DIR, 'out', 'wrangler.log'),
};
