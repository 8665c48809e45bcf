// The site as npm start builds it for its local Stripe: `vite build` in test mode with
// VITE_LOCAL_STRIPE (the pages' form-action allows its hosted checkout, where a Buy form's POST is
// redirected), into a temp dir. Nothing else from this process's environment configures it.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Builds the site for the local Stripe at `localStripeUrl`; resolves to the build's directory (the caller removes it). */
export async function buildSiteForLocalStripe(localStripeUrl: string): Promise<string> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'storefront-site-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VITE_|SITE_URL$|WORKER_CHECKOUT$)/.test(name)));
  const args = [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--configLoader', 'runner', '--logLevel', 'warn', '--outDir', outDir];
  const vite = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, VITE_STRIPE_MODE: 'test', VITE_LOCAL_STRIPE: localStripeUrl, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  vite.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  vite.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => vite.once('close', resolve));
  if (code !== 0) throw new Error(`vite build (VITE_LOCAL_STRIPE=${localStripeUrl}) failed with ${code}:\n${output}`);
  return outDir;
}
