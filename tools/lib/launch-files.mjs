// @ts-check
// What `npm run launch` keeps on the seller's machine, under .wrangler/ (git-ignored): its
// state (the last deploy's build, per mode and URL) and the SYNC_TOKEN it generated, so that
// `npm run doctor -- --remote` and a second launch can enter the back office.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** @param {string} root */
export const launchStateFile = (root) => path.join(root, '.wrangler', 'launch', 'state.json');

/**
 * `.wrangler/launch/<worker name>.env`: the worker's name from wrangler.toml's top-level `name`.
 * @param {string} root
 */
export async function launchTokenFile(root) {
  const text = await readFile(path.join(root, 'wrangler.toml'), 'utf8').catch(() => '');
  const name = /^name\s*=\s*"([^"]+)"/m.exec(text)?.[1] ?? 'worker';
  return path.join(root, '.wrangler', 'launch', `${name}.env`);
}
