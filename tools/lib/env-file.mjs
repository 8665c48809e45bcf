// @ts-check
// KEY=value files (.dev.vars, the token launch saves): read and written the same way.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * KEY=value lines (comments and blank lines skipped, quotes removed); {} when there is no file.
 * @param {string} file
 * @returns {Record<string, string>}
 */
export function readEnvFile(file) {
  /** @type {Record<string, string>} */
  const vars = {};
  if (!existsSync(file)) return vars;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined) vars[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

/**
 * Writes KEY=value lines readable by this user only (a credential on the seller's own machine).
 * @param {string} file
 * @param {Record<string, string>} vars
 * @param {string} comment
 */
export async function writeEnvFile(file, vars, comment) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `# ${comment}\n${Object.entries(vars).map(([key, value]) => `${key}=${value}`).join('\n')}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}
