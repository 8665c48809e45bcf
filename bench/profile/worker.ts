// Metering variant of our worker (bench only, never deployed): the unchanged app from
// worker/app.ts and the unchanged Queues consumer, with the D1 binding wrapped to count
// and time every call as the worker sees it (prepare().first/run/all and batch), grouped
// by statement, and to add up D1's own `meta.rows_read` / `meta.rows_written`.
// Figures are kept per scope: `fetch` (requests), `events` (the EVENTS consumer's group commits
// and its dead letters), `queue` (the outbox consumer).
// bench/run.mjs reads them at GET /api/__bench/d1 (under /api/ so that, with assets, the worker runs first) and resets them with DELETE.
import { createApp, defaultDependencies } from '../../worker/app';
import { consumeEvents, recordDeadLettered } from '../../worker/events/consume';
import { QUEUES, type Env, type EventMessage, type OutboxMessage } from '../../worker/platform/env';
import { consumeOutbox } from '../../worker/outbox/consumer';

interface Stat {
  calls: number;
  totalMs: number;
  maxMs: number;
}

interface Scope {
  /** Invocations (requests, or queue batches). */
  count: number;
  totalMs: number;
  /** D1 calls: one per first/run/all, one per batch (each is one round trip). */
  roundTrips: number;
  rowsRead: number;
  rowsWritten: number;
  /** D1's own `meta.duration`: ms the SQL ran inside the database, without the call's overhead or its wait. */
  sqlMs: number;
  statements: Map<string, Stat>;
}

const newScope = (): Scope => ({ count: 0, totalMs: 0, roundTrips: 0, rowsRead: 0, rowsWritten: 0, sqlMs: 0, statements: new Map() });
const newScopes = () => ({ fetch: newScope(), events: newScope(), queue: newScope() });
let scopes = newScopes();
type ScopeName = keyof typeof scopes;

function record(scope: ScopeName, name: string, ms: number, metas: (D1Meta | undefined)[]): void {
  const s = scopes[scope];
  const stat = s.statements.get(name) ?? { calls: 0, totalMs: 0, maxMs: 0 };
  stat.calls++;
  stat.totalMs += ms;
  stat.maxMs = Math.max(stat.maxMs, ms);
  s.statements.set(name, stat);
  s.roundTrips++;
  for (const meta of metas) {
    s.rowsRead += meta?.rows_read ?? 0;
    s.rowsWritten += meta?.rows_written ?? 0;
    s.sqlMs += meta?.duration ?? 0;
  }
}

/** "INSERT stripe_events", "SELECT orders", … from the statement's first keyword and table. */
function label(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
  const table = /\b(?:INTO|FROM|UPDATE)\s+(\w+)/i.exec(sql)?.[1] ?? '?';
  return `${verb} ${table}`;
}

const REAL = Symbol('real statement');
type Wrapped = D1PreparedStatement & { [REAL]: D1PreparedStatement };

function wrapStatement(real: D1PreparedStatement, sql: string, scope: ScopeName): D1PreparedStatement {
  const name = label(sql);
  const timed = async <T>(method: string, call: () => Promise<T>, meta: (result: T) => D1Meta | undefined): Promise<T> => {
    const started = performance.now();
    const result = await call();
    record(scope, `${method}: ${name}`, performance.now() - started, [meta(result)]);
    return result;
  };
  return {
    [REAL]: real,
    bind: (...values: unknown[]) => wrapStatement(real.bind(...values), sql, scope),
    // first() returns no meta: the same query through all(), answered as first() would.
    first: (column?: string) =>
      timed('first', () => real.all<Record<string, unknown>>(), (result) => result.meta).then(({ results }) => {
        const row = results[0];
        if (row === undefined) return null;
        return column === undefined ? row : (row[column] ?? null);
      }),
    run: () => timed('run', () => real.run(), (result) => result.meta),
    all: () => timed('all', () => real.all(), (result) => result.meta),
    raw: () => {
      throw new Error('bench/profile: raw() is not metered');
    },
  } as unknown as Wrapped;
}

function wrapDatabase(db: D1Database, scope: ScopeName): D1Database {
  return {
    prepare: (sql: string) => wrapStatement(db.prepare(sql), sql, scope),
    batch: async (statements: D1PreparedStatement[]) => {
      const started = performance.now();
      const results = await db.batch(statements.map((statement) => (statement as Wrapped)[REAL] ?? statement));
      record(
        scope,
        `batch of ${statements.length}`,
        performance.now() - started,
        results.map((result) => result.meta),
      );
      return results;
    },
    exec: (sql: string) => db.exec(sql),
    withSession: (...args: Parameters<D1Database['withSession']>) => db.withSession(...args),
    dump: () => (db as unknown as { dump: () => Promise<ArrayBuffer> }).dump(),
  } as unknown as D1Database;
}

const deps = defaultDependencies();
const app = createApp(deps);

function report(): string {
  const view = (s: Scope) => ({ ...s, statements: Object.fromEntries(s.statements) });
  return JSON.stringify({ fetch: view(scopes.fetch), events: view(scopes.events), queue: view(scopes.queue) });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (new URL(request.url).pathname === '/api/__bench/d1') {
      const body = report();
      if (request.method === 'DELETE') scopes = newScopes();
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    }
    const scope = scopes.fetch;
    const started = performance.now();
    try {
      return await app.fetch(request, { ...env, DB: wrapDatabase(env.DB, 'fetch') }, ctx);
    } finally {
      scope.count++;
      scope.totalMs += performance.now() - started;
    }
  },
  // As worker/index.ts: the queues told apart by name.
  async queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
    const events = batch.queue === QUEUES.events || batch.queue === QUEUES.deadEvents;
    const scope = events ? scopes.events : scopes.queue;
    const started = performance.now();
    try {
      if (events) {
        const db = wrapDatabase(env.DB, 'events');
        const context = { ...deps, db, env: { ...env, DB: db }, waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) };
        if (batch.queue === QUEUES.events) await consumeEvents(batch as MessageBatch<EventMessage>, context);
        else await recordDeadLettered(batch as MessageBatch<EventMessage>, context);
      } else await consumeOutbox(batch as MessageBatch<OutboxMessage>, { ...env, DB: wrapDatabase(env.DB, 'queue') }, deps);
    } finally {
      scope.count += batch.messages.length;
      scope.totalMs += performance.now() - started;
    }
  },
} satisfies ExportedHandler<Env, unknown>;
