// @ts-check
// wrangler.toml, read as wrangler reads it (its own parser) and written line by line, so the
// seller's comments and layout stay: `npm run launch` writes only the ids it creates.
import { readFile } from 'node:fs/promises';

/** The ids wrangler.toml ships with: not a resource yet, only where launch writes one. */
export const PLACEHOLDER_IDS = new Set(['00000000-0000-0000-0000-000000000000', '00000000000000000000000000000000']);

/**
 * The parsed config (name, bindings, vars), through wrangler's own reader.
 * @param {string} configPath
 */
export async function readWranglerConfig(configPath) {
  process.env.WRANGLER_SEND_METRICS ??= 'false';
  process.env.WRANGLER_HIDE_BANNER ??= 'true';
  const { unstable_readConfig } = await import('wrangler');
  return unstable_readConfig({ config: configPath });
}

/** @param {string} configPath */
export async function readWranglerVars(configPath) {
  return /** @type {Record<string, string>} */ ((await readWranglerConfig(configPath)).vars ?? {});
}

/**
 * Sets `key = "value"` in the `[[table]]` block whose `binding = "<binding>"`; the block must exist.
 * @param {string} text wrangler.toml
 * @param {string} table e.g. d1_databases
 * @param {string} binding e.g. DB
 * @param {string} key e.g. database_id
 * @param {string} value
 */
export function setBindingField(text, table, binding, key, value) {
  const lines = text.split('\n');
  const isHeader = (line) => /^\s*\[/.test(line ?? '');
  for (let start = 0; start < lines.length; start++) {
    if (lines[start]?.trim() !== `[[${table}]]`) continue;
    let end = start + 1;
    while (end < lines.length && !isHeader(lines[end])) end++;
    const block = lines.slice(start + 1, end);
    if (!block.some((line) => new RegExp(`^\\s*binding\\s*=\\s*"${binding}"`).test(line))) continue;
    const written = `${key} = ${JSON.stringify(value)}`;
    const at = block.findIndex((line) => new RegExp(`^\\s*${key}\\s*=`).test(line));
    if (at >= 0) lines[start + 1 + at] = written;
    else lines.splice(start + 1, 0, written);
    return lines.join('\n');
  }
  throw new Error(`wrangler.toml has no [[${table}]] with binding = "${binding}"`);
}
