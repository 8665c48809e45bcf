#!/usr/bin/env node
// @ts-check
// Arrows point down, everywhere. Over every code folder (contract/, catalog/, worker/, site/,
// tools/ with the local Stripe, bench/), type-only imports included (a circle of types is
// still two modules that cannot be read apart), this lists:
//
//   - file circles: modules that import each other, however indirectly (one finding per knot
//     of such modules, shown as its shortest circle);
//   - folder loops: folders whose files import each other's, in a loop, with no file circle
//     needed (worker/orders/ → worker/delivery/ → worker/orders/). The loose files at the
//     root of a tree (worker/app.ts, worker/seller-hooks.ts, tools/start.mjs, bench/run.mjs)
//     each stand alone: a root holds entry points and what a seller edits, not a feature;
//   - imports that point up a layer. The layers, lowest first; a module may import its own
//     layer and those below it:
//
//       shared      contract/, catalog/          what the site, the worker and the tools all build on
//       platform    worker/platform/             env, config, ids, the domain's context, refusals
//       stripe      worker/stripe/               Stripe's wire: the SDK client, event decoding, signatures
//       store       worker/store/                SQL, a file per table, and the one commit
//       seller      worker/seller-hooks.ts       the seller's hooks: they see orders as stored
//       leaves      worker/delivery/, worker/storefront/, worker/email/   what an order delivers; what shoppers see; what buyers are sent
//       use cases   worker/orders/, worker/mirror/, worker/checkout/, worker/outbox/, worker/library/
//       events      worker/events/               the webhook's dispatch to the use cases
//       back office worker/admin/                the seller's actions, over all of the above
//       http        worker/http/, worker/routes/ middleware, then a file per URL
//       entry       worker/app.ts, worker/index.ts
//       site        site/                        beside the worker: it never imports it, nor the reverse,
//                                                 but for the APIs' types (`import type`, site/src/api.ts, site/admin/src/api.ts)
//       tools       tools/                       the CLIs and the local Stripe: shared code only
//       bench       bench/                       may measure anything
//
// `node tools/import-cycles.mjs` prints each finding and exits 1 if there is any.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SOURCE_DIRS = ['contract', 'catalog', 'worker', 'site', 'tools', 'bench'];
/** Built output, dependencies and data: no code of the project's own. */
const SKIPPED = new Set(['node_modules', 'dist', 'out', 'stripe-fixtures', 'stripe-openapi']);

/** @param {string} dir @returns {string[]} */
function codeFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (SKIPPED.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...codeFiles(full));
    else if (/\.(ts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

// Static imports and re-exports (`import type` too, across lines), and dynamic `import('…')`.
const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** @param {string} from @param {string} specifier @returns {string | null} */
function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  // A path into a dependency is the dependency's, not the project's.
  if (base.split(path.sep).includes('node_modules')) return null;
  const stem = base.replace(/\.js$/, '');
  for (const candidate of [base, `${base}.ts`, `${base}.mjs`, `${stem}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile() && /\.(ts|mjs|js)$/.test(candidate)) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

/** Every code file with the code files it imports (absolute paths). @param {string} root @returns {Map<string, string[]>} */
export function importGraph(root = ROOT) {
  const graph = new Map();
  for (const dir of SOURCE_DIRS) {
    if (!existsSync(path.join(root, dir))) continue;
    for (const file of codeFiles(path.join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      const targets = new Set();
      for (const match of text.matchAll(IMPORT)) {
        const target = resolve(file, /** @type {string} */ (match[1] ?? match[2]));
        if (target) targets.add(target);
      }
      graph.set(file, [...targets]);
    }
  }
  return graph;
}

/**
 * The knots of a graph: its strongly connected components of two nodes or more (Tarjan), each
 * given as its shortest circle through its first node, ending where it began. A knot of many
 * files is one finding, however many circles run through it.
 * @param {Map<string, Iterable<string>>} graph
 * @returns {string[][]}
 */
function knots(graph) {
  let counter = 0;
  /** @type {Map<string, { index: number; low: number }>} */
  const marks = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */
  const components = [];
  /** @param {string} node */
  const connect = (node) => {
    const mark = { index: counter, low: counter };
    counter++;
    marks.set(node, mark);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      const seen = marks.get(next);
      if (!seen) {
        connect(next);
        mark.low = Math.min(mark.low, /** @type {{ low: number }} */ (marks.get(next)).low);
      } else if (onStack.has(next)) mark.low = Math.min(mark.low, seen.index);
    }
    if (mark.low === mark.index) {
      const component = [];
      let member;
      do {
        member = /** @type {string} */ (stack.pop());
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!marks.has(node)) connect(node);
  return components.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')).map((component) => shortestCircle(graph, component));
}

/** The shortest circle from a component's first node back to it, inside the component (breadth first). @param {Map<string, Iterable<string>>} graph @param {string[]} component */
function shortestCircle(graph, component) {
  const start = /** @type {string} */ (component[0]);
  const inside = new Set(component);
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = /** @type {string} */ (queue.shift());
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const circle = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)) circle.splice(1, 0, at);
        return [...circle, start];
      }
      if (inside.has(next) && !cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...component, start];
}

/** File circles, one per knot of files that import each other, as paths relative to `root`. */
export function importCycles(root = ROOT) {
  const graph = new Map([...importGraph(root)].map(([file, targets]) => [path.relative(root, file), targets.map((target) => path.relative(root, target))]));
  return knots(graph);
}

/** The unit a file counts in for folder loops: its folder (`worker/orders/`), or itself when it lies loose at a tree's root. @param {string} file */
function unitOf(file) {
  const dir = path.dirname(file);
  return SOURCE_DIRS.includes(dir) ? file : `${dir}/`;
}

/**
 * Folder loops, each as "a/ → b/ → a/" followed by one import that makes each step. Two folders
 * importing each other is a loop even where no file circle runs through them.
 */
export function folderLoops(root = ROOT) {
  /** @type {Map<string, Map<string, string>>} unit → unit → one import that ties them */
  const units = new Map();
  for (const [file, targets] of importGraph(root)) {
    const from = path.relative(root, file);
    const edges = units.get(unitOf(from)) ?? new Map();
    units.set(unitOf(from), edges);
    for (const target of targets) {
      const to = path.relative(root, target);
      if (unitOf(to) !== unitOf(from) && !edges.has(unitOf(to))) edges.set(unitOf(to), `${from} → ${to}`);
    }
  }
  const graph = new Map([...units].map(([unit, edges]) => [unit, edges.keys()]));
  return knots(graph).map((loop) => {
    const steps = loop.slice(1).map((to, i) => units.get(/** @type {string} */ (loop[i]))?.get(to));
    return `${loop.join(' → ')} (${steps.join('; ')})`;
  });
}

/**
 * The layers, lowest first (see the top of this file).
 * @type {[string, (file: string) => boolean][]}
 */
export const LAYERS = [
  ['shared', (file) => /^(contract|catalog)\//.test(file)],
  ['platform', (file) => file.startsWith('worker/platform/')],
  ['stripe', (file) => file.startsWith('worker/stripe/')],
  ['store', (file) => file.startsWith('worker/store/')],
  ['seller', (file) => file === 'worker/seller-hooks.ts'],
  ['leaves', (file) => /^worker\/(delivery|storefront|email)\//.test(file)],
  ['use cases', (file) => /^worker\/(orders|mirror|checkout|outbox|library)\//.test(file)],
  ['events', (file) => file.startsWith('worker/events/')],
  ['back office', (file) => file.startsWith('worker/admin/')],
  ['http', (file) => /^worker\/(http|routes)\//.test(file)],
  ['entry', (file) => file === 'worker/app.ts' || file === 'worker/index.ts'],
  ['site', (file) => file.startsWith('site/')],
  ['tools', (file) => file.startsWith('tools/')],
  ['bench', (file) => file.startsWith('bench/')],
];

/** @param {string} file */
const layerOf = (file) => LAYERS.findIndex(([, belongs]) => belongs(file));

/** Trees that stand beside each other: neither imports the other, whatever their order above. @type {[string, string][]} */
const APART = [
  ['site/', 'worker/'],
  ['tools/', 'worker/'],
  ['tools/', 'site/'],
];

/**
 * The two arrows across trees that stand apart: the typed clients (`hc<Api>` of the storefront,
 * `hc<AdminRoutes>` of the back office) take their API's type from the worker's routes, by
 * TypeScript project reference. Only as `import type`: erased from the bundle, so the site ships
 * none of the worker's code.
 */
const API_TYPES = [
  { from: 'site/src/api.ts', to: 'worker/routes/api.ts', statement: /^import type \{[^}]*\} from '\.\.\/\.\.\/worker\/routes\/api';$/m },
  { from: 'site/admin/src/api.ts', to: 'worker/routes/admin.ts', statement: /^import type \{[^}]*\} from '\.\.\/\.\.\/\.\.\/worker\/routes\/admin';$/m },
];

/** Imports that point up a layer, or across trees that stand apart, as "from → to (layer → layer)". */
export function layerViolations(root = ROOT) {
  const violations = [];
  for (const [file, targets] of importGraph(root)) {
    const from = path.relative(root, file);
    for (const target of targets) {
      const to = path.relative(root, target);
      if (API_TYPES.some((allowed) => from === allowed.from && to === allowed.to && allowed.statement.test(readFileSync(file, 'utf8')))) continue;
      const [a, b] = [layerOf(from), layerOf(to)];
      const apart = APART.some(([x, y]) => (from.startsWith(x) && to.startsWith(y)) || (from.startsWith(y) && to.startsWith(x)));
      if (a === -1 || b === -1 || b > a || apart) violations.push(`${from} → ${to} (${LAYERS[a]?.[0] ?? 'no layer'} → ${LAYERS[b]?.[0] ?? 'no layer'})`);
    }
  }
  return violations;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const cycles = importCycles();
  for (const cycle of cycles) console.log(cycle.join(' → '));
  console.log(cycles.length === 0 ? 'no file circles' : `${cycles.length} file circle(s)`);
  const loops = folderLoops();
  for (const loop of loops) console.log(loop);
  console.log(loops.length === 0 ? 'no folder loops' : `${loops.length} folder loop(s)`);
  const violations = layerViolations();
  for (const violation of violations) console.log(violation);
  console.log(violations.length === 0 ? 'every import points down' : `${violations.length} import(s) point up`);
  process.exit(cycles.length === 0 && loops.length === 0 && violations.length === 0 ? 0 : 1);
}
