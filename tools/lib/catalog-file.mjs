// @ts-check
// catalog/catalog.json as the tools write it: in the catalog's own style, atomically.
import { rename, writeFile } from 'node:fs/promises';

/**
 * JSON in the catalog's own style: 2-space indent, objects and arrays of plain values
 * on one line (`"price": { "amount": 1200, "currency": "usd" }`), trailing newline.
 * @param {unknown} value
 */
export function formatCatalog(value) {
  /** @param {unknown} v */
  const plain = (v) => v === null || typeof v !== 'object';
  /** @type {(v: any, indent: string) => string} */
  const format = (v, indent) => {
    if (plain(v)) return JSON.stringify(v);
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every(plain)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      return `[\n${v.map((x) => inner + format(x, inner)).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    if (entries.every(([, x]) => plain(x))) return `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${JSON.stringify(x)}`).join(', ')} }`;
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner)}`).join(',\n')}\n${indent}}`;
  };
  return `${format(value, '')}\n`;
}

/**
 * Writes `text` to `file` through a temporary file and a rename: a reader never sees half of it.
 * @param {string} file @param {string} text
 */
export async function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/**
 * Writes the catalog when it differs from what is on disk; returns what is on disk now.
 * @param {string} file
 * @param {unknown} catalog
 * @param {string} onDisk
 */
export async function writeCatalog(file, catalog, onDisk) {
  const text = formatCatalog(catalog);
  if (text !== onDisk) await writeAtomically(file, text);
  return text;
}
