// A D1 binding that counts the round trips made through it (each batch, run, all,
// first or raw is one), sums the rows D1 reports reading and writing, and keeps
// every statement it ran (for EXPLAIN QUERY PLAN).
export interface RanStatement {
  statement: string;
  params: unknown[];
}

export function countingDb(db: D1Database) {
  const counts = { roundTrips: 0, rowsRead: 0, rowsWritten: 0 };
  const statements: RanStatement[] = [];
  const keep = (inner: D1PreparedStatement) => {
    const { statement, params } = inner as unknown as RanStatement;
    statements.push({ statement, params });
  };
  const tally = (results: D1Result | D1Result[]) => {
    for (const result of Array.isArray(results) ? results : [results]) {
      counts.rowsRead += result.meta?.rows_read ?? 0;
      counts.rowsWritten += result.meta?.rows_written ?? 0;
    }
  };
  const statement = (inner: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(inner, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => statement(target.bind(...values));
        if (property === 'run' || property === 'all') {
          return async () => {
            counts.roundTrips++;
            keep(target);
            const result = await (target[property] as () => Promise<D1Result>).call(target);
            tally(result);
            return result;
          };
        }
        if (property === 'first' || property === 'raw') {
          return async (...args: unknown[]) => {
            counts.roundTrips++;
            keep(target);
            return (target[property] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const counted = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (query: string) => statement(target.prepare(query));
      if (property === 'batch') {
        return async (batch: D1PreparedStatement[]) => {
          counts.roundTrips++;
          for (const statement of batch) keep(statement);
          const results = await target.batch(batch);
          tally(results);
          return results;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: counted, counts, statements };
}
