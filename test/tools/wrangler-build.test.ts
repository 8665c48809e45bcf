// wrangler.toml's [build] command (tools/wrangler-build.mjs), run the way wrangler runs it: a
// deploy builds the site for the shop and refuses a build made for this machine; `wrangler dev`
// keeps dist/ as npm start and the tests built it. Everything runs in a copy of the project, so
// the repository's dist/ is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotProject } from '../browser/support/worker';

let temp: string;
let project: string;

/** The environment minus anything that configures the build or says which wrangler command runs. */
function cleanEnv(env: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITE_|SITE_URL$|WORKER_CHECKOUT$|WRANGLER_COMMAND$|SKIP_SITE_BUILD$|STRIPE_)/.test(key)),
  ) as Record<string, string>;
  return {
    ...base,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    WRANGLER_LOG_PATH: path.join(temp, 'wrangler-logs'),
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...env,
  };
}

function run(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, args, { cwd: project, env: cleanEnv(env), encoding: 'utf8', timeout: 90_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** `npx wrangler deploy --dry-run`: everything a deploy does but the upload. */
const dryRunDeploy = (env: Record<string, string>, outdir: string) =>
  run([path.join(project, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', outdir], env);

/** dist/ as `npm start` leaves it: a build for this machine (its record says why). */
function localBuildInDist(): void {
  rmSync(path.join(project, 'dist'), { recursive: true, force: true });
  mkdirSync(path.join(project, 'dist'));
  writeFileSync(path.join(project, 'dist', 'index.html'), 'built by npm start');
  const local = { stripeMode: 'test', siteUrl: 'http://127.0.0.1:8787', notForDeploy: ['SITE_URL is http://127.0.0.1:8787, this machine'] };
  writeFileSync(path.join(project, 'dist', '.storefront-build.json'), JSON.stringify(local));
}

const record = () => JSON.parse(readFileSync(path.join(project, 'dist', '.storefront-build.json'), 'utf8')) as { stripeMode: string; siteUrl: string; notForDeploy: string[] };

beforeAll(() => {
  temp = mkdtempSync(path.join(tmpdir(), 'wrangler-build-'));
  project = path.join(temp, 'project');
  snapshotProject(project);
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('wrangler deploy', () => {
  it('refuses a live build whose products have no live Payment Link, naming each, and uploads nothing (not even the npm start build in dist/)', () => {
    localBuildInDist();
    const outdir = path.join(temp, 'out-live-refused');
    const deploy = dryRunDeploy({ SITE_URL: 'https://shop.example', VITE_STRIPE_MODE: 'live' }, outdir);
    expect(deploy.code).not.toBe(0);
    for (const id of ['field-notes', 'trail-map-print', 'enamel-mug', 'field-notes-club']) expect(deploy.output).toContain(`  - ${id} (`);
    expect(deploy.output).toContain('Running custom build `node tools/wrangler-build.mjs` failed');
    expect(existsSync(path.join(outdir, 'index.js'))).toBe(false);
  });

  it('builds the site for the shop (live by default) with WORKER_CHECKOUT=true, then bundles the worker', () => {
    const outdir = path.join(temp, 'out-live');
    const deploy = dryRunDeploy({ SITE_URL: 'https://shop.example', WORKER_CHECKOUT: 'true' }, outdir);
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toContain('The site is built for https://shop.example (live mode).');
    expect(existsSync(path.join(outdir, 'index.js'))).toBe(true);
    expect(record()).toEqual({ stripeMode: 'live', siteUrl: 'https://shop.example', notForDeploy: [] });
    expect(readFileSync(path.join(project, 'dist', 'index.html'), 'utf8')).toContain('<form class="buy-form" method="post" action="/products/field-notes/checkout"><button class="button" type="submit" data-buy="field-notes">');
  });
});

describe('the [build] command in a deploy', () => {
  it('refuses a build made for this machine (loopback SITE_URL), saying what to set', () => {
    const deploy = run(['tools/wrangler-build.mjs'], { WRANGLER_COMMAND: 'deploy', VITE_STRIPE_MODE: 'test' });
    expect(deploy.code).toBe(1);
    expect(record().notForDeploy).toHaveLength(1);
    expect(deploy.output).toContain('Refusing to deploy: dist/ was built for this machine, not for the shop:');
    expect(deploy.output).toContain('SITE_URL is http://127.0.0.1:8787');
    expect(deploy.output).toContain('Nothing was deployed.');
  });

  it('refuses a catalog with a physical product and no shipping countries, naming the product and the fix', () => {
    const catalogPath = path.join(project, 'catalog', 'catalog.json');
    const shipped = readFileSync(catalogPath, 'utf8');
    const { shipping: _dropped, ...withoutShipping } = JSON.parse(shipped) as Record<string, unknown>;
    writeFileSync(catalogPath, JSON.stringify(withoutShipping, null, 2));
    try {
      const deploy = run(['tools/wrangler-build.mjs'], { WRANGLER_COMMAND: 'deploy', SITE_URL: 'https://shop.example', WORKER_CHECKOUT: 'true' });
      expect(deploy.code).toBe(1);
      expect(deploy.output).toContain('products[2] ("enamel-mug") is shipped ("digital": false) but the catalog names no countries to ship to: add "shipping"');
    } finally {
      writeFileSync(catalogPath, shipped);
    }
  });

    it('refuses a build for the local Stripe (VITE_LOCAL_STRIPE), as npm start makes', () => {
    const deploy = run(['tools/wrangler-build.mjs'], { WRANGLER_COMMAND: 'versions upload', SITE_URL: 'https://shop.example', WORKER_CHECKOUT: 'true', VITE_LOCAL_STRIPE: 'http://127.0.0.1:12111' });
    expect(deploy.code).toBe(1);
    expect(deploy.output).toContain('VITE_LOCAL_STRIPE is set');
  });
});

describe('the [build] command under wrangler dev and wrangler types', () => {
  it.each(['dev', 'types'])('%s: keeps dist/ as it was built (npm start, the tests), printing nothing', (command) => {
    localBuildInDist();
    const dev = run(['tools/wrangler-build.mjs'], { WRANGLER_COMMAND: command });
    expect(dev).toEqual({ code: 0, output: '' });
    expect(readFileSync(path.join(project, 'dist', 'index.html'), 'utf8')).toBe('built by npm start');
  });

  it('refuses to guess when not run by wrangler (no WRANGLER_COMMAND)', () => {
    const bare = run(['tools/wrangler-build.mjs'], {});
    expect(bare.code).toBe(1);
    expect(bare.output).toContain('needs WRANGLER_COMMAND');
  });
});
