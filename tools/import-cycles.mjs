#!/usr/bin/env node
// @ts-check
// Lists the import circles among the project's TypeScript modules (type-only imports
// included: a circle of types is still two modules that cannot be read apart), and the
// imports that point up a layer (LAYERS below). `node tools/import-cycles.mjs` prints
// each and exits 1 if there is any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['catalog', 'contract', 'site', 'worker'];

/** @param {string} dir @returns {string[]} */
function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;

/** @param {string} from @param {string} specifier @returns {string | null} */
function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile() && candidate.endsWith('.ts')) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

/** @param {string} root @returns {Map<string, string[]>} */
export function importGraph(root = ROOT) {
  const graph = new Map();
  for (const dir of SOURCE_DIRS) {
    for (const file of tsFiles(path.join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      const targets = new Set();
      for (const match of text.matchAll(IMPORT)) {
        const target = resolve(file, /** @type {string} */ (match[1]));
        if (target) targets.add(target);
      }
      graph.set(file, [...targets]);
    }
  }
  return graph;
}

/** Every elementary circle found by a depth-first search, each once, as paths relative to `root`. */
export function importCycles(root = ROOT) {
  const graph = importGraph(root);
  const cycles = new Map();
  const state = new Map(); // 1: on the stack, 2: done
  /** @type {string[]} */
  const stack = [];
  /** @param {string} node */
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) {
        const cycle = stack.slice(stack.indexOf(next)).map((file) => path.relative(root, file));
        const key = [...cycle].sort().join(' ');
        if (!cycles.has(key)) cycles.set(key, [...cycle, cycle[0]]);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

/**
 * The layers, lowest first; a module may import its own layer and the ones below.
 * The site stands beside the worker: both build on the contract and the catalog.
 * @type {[string, (file: string) => boolean][]}
 */
export const LAYERS = [
  ['shared (contract, catalog)', (file) => /^(contract|catalog)\//.test(file)],
  ['platform', (file) => /^worker\/(env|config|ids|recent-events)\.ts$/.test(file)],
  ['store', (file) => file.startsWith('worker/store/')],
  ['domain', (file) => file.startsWith('worker/') && !/^worker\/(routes\/|api\.ts$|app\.ts$|index\.ts$)/.test(file)],
  ['routes', (file) => file.startsWith('worker/')],
  ['site', (file) => file.startsWith('site/')],
];

/** @param {string} file */
const layerOf = (file) => LAYERS.findIndex(([, belongs]) => belongs(file));

/** Imports that point up a layer (or from the site into the worker), as "from → to (layer → layer)". */
export function layerViolations(root = ROOT) {
  const violations = [];
  for (const [file, targets] of importGraph(root)) {
    const from = path.relative(root, file);
    for (const target of targets) {
      const to = path.relative(root, target);
      const [a, b] = [layerOf(from), layerOf(to)];
      const siteIntoWorker = from.startsWith('site/') && to.startsWith('worker/');
      const workerIntoSite = from.startsWith('worker/') && to.startsWith('site/');
      if (b > a || siteIntoWorker || workerIntoSite) violations.push(`${from} → ${to} (${LAYERS[a]?.[0]} → ${LAYERS[b]?.[0]})`);
    }
  }
  return violations;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const cycles = importCycles();
  for (const cycle of cycles) console.log(cycle.join(' → '));
  console.log(cycles.length === 0 ? 'no import circles' : `${cycles.length} import circle(s)`);
  const violations = layerViolations();
  for (const violation of violations) console.log(violation);
  console.log(violations.length === 0 ? 'every import points down' : `${violations.length} import(s) point up`);
  process.exit(cycles.length === 0 && violations.length === 0 ? 0 : 1);
}
