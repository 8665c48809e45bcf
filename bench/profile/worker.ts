// Profiling variant of our worker (bench only, never deployed): the unchanged app from
// worker/app.ts, with the D1 binding wrapped to time every call as the worker sees it
// (prepare().first/run/all/raw and batch), grouped by statement. bench/run.mjs reads and
// resets the figures at GET /__bench/d1; every other request goes to the app as is.
import { createApp } from '../../worker/app';
import type { Env } from '../../worker/env';

interface Stat {
  calls: number;
  totalMs: number;
  maxMs: number;
}

const app = createApp();
let stats = new Map<string, Stat>();
let requests = { count: 0, totalMs: 0 };

function record(name: string, ms: number): void {
  const stat = stats.get(name) ?? { calls: 0, totalMs: 0, maxMs: 0 };
  stat.calls++;
  stat.totalMs += ms;
  stat.maxMs = Math.max(stat.maxMs, ms);
  stats.set(name, stat);
}

/** "INSERT stripe_events", "SELECT orders", … from the statement's first keyword and table. */
function label(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
  const table = /\b(?:INTO|FROM|UPDATE)\s+(\w+)/i.exec(sql)?.[1] ?? '?';
  return `${verb} ${table}`;
}

const REAL = Symbol('real statement');
type Wrapped = D1PreparedStatement & { [REAL]: D1PreparedStatement };

function wrapStatement(real: D1PreparedStatement, sql: string): D1PreparedStatement {
  const timed =
    (method: 'first' | 'run' | 'all' | 'raw') =>
    async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await (real[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        record(`${method}: ${label(sql)}`, performance.now() - started);
      }
    };
  return {
    [REAL]: real,
    bind: (...values: unknown[]) => wrapStatement(real.bind(...values), sql),
    first: timed('first'),
    run: timed('run'),
    all: timed('all'),
    raw: timed('raw'),
  } as unknown as Wrapped;
}

function wrapDatabase(db: D1Database): D1Database {
  return {
    prepare: (sql: string) => wrapStatement(db.prepare(sql), sql),
    batch: async (statements: D1PreparedStatement[]) => {
      const started = performance.now();
      try {
        return await db.batch(statements.map((statement) => (statement as Wrapped)[REAL] ?? statement));
      } finally {
        record(`batch of ${statements.length}`, performance.now() - started);
      }
    },
    exec: (sql: string) => db.exec(sql),
    withSession: (...args: Parameters<D1Database['withSession']>) => db.withSession(...args),
    dump: () => (db as unknown as { dump: () => Promise<ArrayBuffer> }).dump(),
  } as unknown as D1Database;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (new URL(request.url).pathname === '/__bench/d1') {
      const body = JSON.stringify({ requests, statements: Object.fromEntries(stats) });
      if (request.method === 'DELETE') {
        stats = new Map();
        requests = { count: 0, totalMs: 0 };
      }
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    }
    const started = performance.now();
    try {
      return await app.fetch(request, { ...env, DB: wrapDatabase(env.DB) }, ctx);
    } finally {
      requests.count++;
      requests.totalMs += performance.now() - started;
    }
  },
};
