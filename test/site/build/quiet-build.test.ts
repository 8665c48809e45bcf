// `npm start` and `npm test` build the site with `npm run build --silent -- --logLevel warn`: when
// all is well that prints nothing, so whatever it does print is news (a real warning or error).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

it('npm run build at warning level prints nothing for the shipped catalog (no config-loader warning)', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'quiet-build-'));
  try {
    const npm = spawnSync('npm', ['run', 'build', '--silent', '--', '--logLevel', 'warn', '--outDir', outDir], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(npm.status).toBe(0);
    expect(`${npm.stdout}${npm.stderr}`).toBe('');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}, 60_000);
