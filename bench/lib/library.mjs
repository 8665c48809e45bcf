// "Email me my purchases" (POST /library) for an address that bought and one that never did,
// side by side: the answer must not tell them apart (status, body, headers) nor take longer for
// one (the request does the same D1 work for both; whether to send is decided in the email step,
// after the answer). Requests alternate between the two kinds, one at a time, each to an address
// and from a client of its own (no rate limit is reached); the profile bundle meters each one's D1 work.
import http from 'node:http';
import { meterOf } from './meter.mjs';
import { applyMigrations, oursOptions, percentile, startMiniflare } from './load.mjs';
import { fixed, table } from './report.mjs';

/** Headers that may differ between two identical answers. */
const VOLATILE_HEADERS = new Set(['date']);

/** POST /library as the shop's own form sends it; resolves with the answer and the ms it took. */
function ask(url, email, client, agent) {
  const body = new URLSearchParams({ email }).toString();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { origin: url.origin, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'cf-connecting-ip': client },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          const headers = Object.entries(res.headers).filter(([name]) => !VOLATILE_HEADERS.has(name) && name !== 'connection' && name !== 'keep-alive');
          resolve({ ms: performance.now() - started, status: res.statusCode, answer: JSON.stringify({ status: res.statusCode, headers: headers.sort(), body: text }) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * @param {{ scriptPath: string, compatibilityDate: string }} bundle the profile bundle (ours with a metering D1 binding)
 * @param {{ requests: number, print?: (line: string) => void }} options `requests` per kind of address
 */
export async function libraryRequests(bundle, { requests, print = console.log }) {
  const { base, vars } = await oursOptions();
  // No queue consumer: the email step (the one that reads orders) runs after the answer, and is not what is timed.
  const worker = await startMiniflare(bundle, vars, {}, { base: { ...base, queueConsumers: undefined } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const meter = meterOf(worker.url);
  try {
    await applyMigrations(worker.mf);
    const db = await worker.mf.getD1Database('DB');
    // Every known address has one order, among 10,000 orders of other buyers.
    await db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO orders (id, status, product_id, amount_total, currency, mode, livemode, customer_email, fulfilled_at, created_at, updated_at)
         SELECT printf('cs_test_library%08d', i), 'fulfilled', 'field-notes', 1200, 'usd', 'payment', 0, printf('buyer-%d@example.com', i), i, i, i FROM n`,
      )
      .bind(Math.max(10_000, requests + 10))
      .run();
    const url = new URL('/library', worker.url);
    const kinds = { known: (i) => `buyer-${i + 1}@example.com`, unknown: (i) => `never-bought-${i + 1}@example.com` };
    const figures = { known: [], unknown: [] };
    const answers = { known: new Set(), unknown: new Set() };
    for (let i = 0; i < 5; i++) await ask(url, `warm-up-${i}@example.com`, `192.0.2.${i}`, agent);
    for (let i = 0; i < requests; i++) {
      for (const kind of i % 2 === 0 ? ['known', 'unknown'] : ['unknown', 'known']) {
        await meter.reset();
        const client = `10.${kind === 'known' ? 1 : 2}.${Math.floor(i / 250)}.${i % 250}`;
        const { ms, status, answer } = await ask(url, kinds[kind](i), client, agent);
        const d1 = (await meter.read()).fetch;
        figures[kind].push({ ms, status, roundTrips: d1.roundTrips, rowsRead: d1.rowsRead, rowsWritten: d1.rowsWritten });
        answers[kind].add(answer);
      }
    }
    const summary = (kind) => {
      const runs = figures[kind];
      const times = runs.map((run) => run.ms).sort((a, b) => a - b);
      const mean = (key) => runs.reduce((sum, run) => sum + run[key], 0) / runs.length;
      const statuses = {};
      for (const run of runs) statuses[run.status] = (statuses[run.status] ?? 0) + 1;
      return { requests: runs.length, p50Ms: percentile(times, 50), p90Ms: percentile(times, 90), roundTrips: mean('roundTrips'), rowsRead: mean('rowsRead'), rowsWritten: mean('rowsWritten'), statuses, distinctAnswers: answers[kind].size };
    };
    const result = { known: summary('known'), unknown: summary('unknown'), identicalAnswers: answers.known.size === 1 && [...answers.known][0] === [...answers.unknown][0] && answers.unknown.size === 1 };
    print(['', `== "Email me my purchases" (POST /library): an address that bought vs one that never did (${requests} each, alternated, 1 connection; D1 metered in the worker) ==`].join('\n'));
    print(
      table(
        ['address', 'p50 ms', 'p90 ms', 'D1 round trips', 'rows read', 'rows written', 'statuses'],
        [
          ['bought here', result.known],
          ['never bought', result.unknown],
        ].map(([label, s]) => [label, fixed(s.p50Ms, 2), fixed(s.p90Ms, 2), fixed(s.roundTrips, 2), fixed(s.rowsRead, 1), fixed(s.rowsWritten, 1), Object.entries(s.statuses).map(([code, n]) => `${code}×${n}`).join(' ')]),
        'lrrrrrl',
      ),
    );
    print(`  answers (status, headers but Date, body): ${result.identicalAnswers ? 'one and the same for every request of both kinds' : 'DIFFERENT'}`);
    if (!result.identicalAnswers) throw new Error('the library request answered an address that bought differently from one that never did');
    if (result.known.roundTrips !== result.unknown.roundTrips || result.known.rowsRead !== result.unknown.rowsRead || result.known.rowsWritten !== result.unknown.rowsWritten) {
      throw new Error('the library request did different D1 work for an address that bought and one that never did');
    }
    return result;
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}
