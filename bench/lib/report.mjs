// Step 6: the machine, and the figures as readable tables.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.mjs';

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export function machine() {
  const miniflare = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', 'miniflare', 'package.json'), 'utf8'));
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    workerd: miniflare.dependencies?.workerd ?? 'unknown',
    miniflare: miniflare.version,
    wrangler: packageVersion('wrangler'),
    stripe: packageVersion('stripe'),
    hono: packageVersion('hono'),
    playwrightCore: packageVersion('playwright-core'),
  };
}

/** @param {string[]} header @param {(string | number)[][]} rows @param {string} [align] 'l'/'r' per column */
export function table(header, rows, align = '') {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row) =>
    row.map((cell, column) => (align[column] === 'r' ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(cells[0] ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
