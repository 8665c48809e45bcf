// Step 1: the static site (only if missing) and the benchmarked worker bundles, built
// exactly as they would be deployed: `wrangler deploy --dry-run --minify --outdir`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BENCH_DIR, REPO_ROOT, WRANGLER_BIN, WRANGLER_ENV } from './paths.mjs';
import { run } from './proc.mjs';

/** What is built; `load: false`: not in the main load table (a size probe, or the D1-timing variant of ours). */
export const BUNDLES = [
  { name: 'ours', config: path.join(REPO_ROOT, 'wrangler.toml'), load: true },
  { name: 'empty', config: path.join(BENCH_DIR, 'empty', 'wrangler.toml'), load: true },
  { name: 'reference', config: path.join(BENCH_DIR, 'reference', 'wrangler.toml'), load: true },
  { name: 'naive', config: path.join(BENCH_DIR, 'naive', 'wrangler.toml'), load: true },
  { name: 'reference-webhooks-only', config: path.join(BENCH_DIR, 'reference-webhooks-only', 'wrangler.toml'), load: false },
  { name: 'profile', config: path.join(BENCH_DIR, 'profile', 'wrangler.toml'), load: false },
];

/** Builds dist/ with Vite when dist/index.html is missing (the webhook path never reads it). */
export async function ensureSite() {
  if (existsSync(path.join(REPO_ROOT, 'dist', 'index.html'))) return { built: false, ms: 0 };
  const { ms } = await run(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--configLoader', 'runner'], {
    cwd: REPO_ROOT,
    timeoutMs: 180_000,
  });
  return { built: true, ms };
}

/** The compatibility date in a wrangler.toml (the bench runs each bundle with its own). */
function compatibilityDate(configPath) {
  const match = /^\s*compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(readFileSync(configPath, 'utf8'));
  if (!match?.[1]) throw new Error(`no compatibility_date in ${configPath}`);
  return match[1];
}

/**
 * @param {string} outRoot
 * @returns {Promise<Record<string, { name: string, scriptPath: string, dir: string, rawBytes: number, gzipBytes: number, compatibilityDate: string, load: boolean, buildMs: number }>>}
 */
export async function buildBundles(outRoot) {
  // Two at a time: one per core.
  const results = {};
  for (let i = 0; i < BUNDLES.length; i += 2) {
    const pair = BUNDLES.slice(i, i + 2);
    const built = await Promise.all(pair.map((bundle) => buildOne(bundle, path.join(outRoot, bundle.name))));
    for (const result of built) results[result.name] = result;
  }
  return results;
}

async function buildOne(bundle, outdir) {
  const { ms } = await run(
    process.execPath,
    [WRANGLER_BIN, 'deploy', '--dry-run', '--minify', '--outdir', outdir, '--config', bundle.config],
    // wrangler.toml's [build] would rebuild dist/ for a deploy (tools/wrangler-build.mjs); only the worker is measured.
    { cwd: REPO_ROOT, env: { ...WRANGLER_ENV, SKIP_SITE_BUILD: 'true' }, timeoutMs: 120_000 },
  );
  const scripts = readdirSync(outdir).filter((file) => file.endsWith('.js'));
  if (scripts.length !== 1) throw new Error(`expected one .js in ${outdir}, found ${scripts.join(', ') || 'none'}`);
  const scriptPath = path.join(outdir, /** @type {string} */ (scripts[0]));
  const code = readFileSync(scriptPath);
  return {
    name: bundle.name,
    scriptPath,
    dir: outdir,
    rawBytes: code.length,
    gzipBytes: gzipSync(code).length,
    compatibilityDate: compatibilityDate(bundle.config),
    load: bundle.load,
    buildMs: ms,
  };
}
