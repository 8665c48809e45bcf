// The run's main tables as Markdown (bench/out/summary.md), ready for the README's
// Performance section: the README's figures must come from one run.
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const int = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const usd = (value) => (value > 0 && value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`);

function table(header, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (align[i] === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

export function summaryMarkdown(results) {
  const m = results.machine;
  const out = [];
  out.push(
    `Run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round((Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000)} s: ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node.replace(/^v/, '')}, workerd ${m.workerd}; ` +
      `load average ${m.loadAverageAtStart[0]} at start, ${m.loadAverageAtEnd?.[0]} at end.`,
  );
  out.push('', table(
    ['connections', 'ours / empty', "ours / Hono's example", 'ours / naive durable', 'ours p99 ms'],
    results.ratios.map((r) => [r.concurrency, `${fixed(r.oursOverEmpty, 2)}×`, `${fixed(r.oursOverHonoExample, 2)}×`, `${fixed(r.oursOverNaive, 2)}×`, fixed(r.oursP99Ms, 1)]),
    'rrrrr',
  ));
  out.push('', table(['target', 'measured', ''], results.targets.map((t) => [t.what, t.value, t.met ? 'met' : '**not met**']), 'lrl'));
  out.push('', table(
    ['worker', 'conns', 'webhooks/s', 'p50 ms', 'p99 ms', 'workerd CPU ms/req', 'errors'],
    results.load.map((r) => [r.label, r.concurrency, int(r.perSecond), fixed(r.p50Ms, 1), fixed(r.p99Ms, 1), fixed(r.cpuMsPerRequest, 2), r.errors]),
    'lrrrrrr',
  ));
  const p = results.perPurchase;
  out.push('', table(
    ['per purchase', 'D1 round trips', 'rows read', 'rows written', 'ms in worker', 'ms of SQL'],
    [
      ['its webhooks (verify, queue)', p.webhook],
      ['their commit (events consumer, in groups)', p.events],
      ['outbox delivery (queue consumer, after the commit)', p.outbox],
      ['order lookup (success page, once)', p.orderLookup],
      ...results.load
        .filter((run) => run.bundle === 'naive' && run.verification?.perWebhook)
        .slice(0, 1)
        .map((run) => ['the naive peer\'s paid webhook, for comparison', { ...run.verification.perWebhook, msInWorker: NaN }]),
    ].map(([step, f]) => [step, fixed(f.roundTrips, 2), fixed(f.rowsRead, 1), fixed(f.rowsWritten, 1), fixed(f.msInWorker, 2), fixed(f.sqlMs, 2)]),
    'lrrrrr',
  ));
  const u = p.underLoad;
  const oursHigh = results.load.find((run) => run.label === 'ours' && run.concurrency === u.concurrency);
  const commit = oursHigh?.verification?.commitLatency;
  out.push(
    '',
    `A purchase is ${fixed(p.webhooksPerPurchase, 0)} webhooks (customer.created, checkout.session.completed) and writes ${fixed(p.rowsWrittenPerPurchase, 1)} D1 rows. ` +
      `Under load (${u.requests} webhooks at ${u.concurrency} connections): ${fixed(u.commitsPerWebhook, 3)} D1 commits per webhook (${u.eventBatches} group commits)` +
      (commit ? `; from a webhook's 200 to its order committed p50 ${fixed(commit.p50Ms, 0)} ms, p99 ${fixed(commit.p99Ms, 0)} ms` : '') +
      `. Storage ${fixed(p.bytesPerPurchase / 1024, 1)} KiB per purchase with its events' payloads, ${fixed(p.keptBytesPerPurchase / 1024, 1)} KiB once they are cleared; workerd CPU ${fixed(p.cpuMsPerPurchase, 1)} ms per purchase.`,
  );
  const k = results.costs;
  out.push('', table(
    ['1M purchases', 'per purchase', 'for 1M', 'price', 'list cost', 'beyond the Paid allowance'],
    k.rows.map((row) => [
      row.item,
      row.perPurchase >= 0.01 || row.perPurchase === 0 ? fixed(row.perPurchase, 2) : `${fixed(row.perPurchase * 1e9 / 1024, 1)} KiB`,
      row.units >= 100 || row.units === 0 ? int(row.units) : `${fixed(row.units, 2)} GB`,
      `$${row.price.usd} / ${row.price.per === 1 ? '' : `${int(row.price.per)} `}${row.price.unit}`,
      usd(row.listUsd),
      usd(row.beyondAllowanceUsd),
    ]),
    'lrrlrr',
  ));
  out.push('', `Total ${usd(k.totalListUsd)} at list prices; ${usd(k.totalOnPaidPlanUsd)} for the month on Workers Paid ($5 with its allowances, nothing else running). Prices of ${k.pricesTakenOn}.`);
  const g = results.growth;
  if (g && !g.error) {
    const lists = [g.catalog, g.orders, g.backOffice ?? []];
    const ops = lists.flatMap((list) => Object.keys(list[0]?.ops ?? {}));
    const points = (op) => lists.find((list) => op in (list[0]?.ops ?? {}));
    out.push('', table(
      ['operation', 'sizes', 'p50 ms', 'D1 round trips', 'rows read', 'rows written', 'response'],
      ops.map((op) => {
        const ps = points(op);
        const each = (f) => ps.map((pt) => f(pt.ops[op])).join(' / ');
        return [op, ps.map((pt) => int(pt.size)).join(' / '), each((f) => fixed(f.p50Ms, 1)), each((f) => fixed(f.roundTrips, 0)), each((f) => fixed(f.rowsRead, 0)), each((f) => fixed(f.rowsWritten, 1)), each((f) => `${fixed(f.responseBytes / 1024, 1)} KiB`)];
      }),
      'llrrrrr',
    ));
  }
  const w = results.worstCase;
  out.push('', table(
    [`worst case: ${w.bodyBytes.toLocaleString('en-US')} B body, ${w.v1Candidates} v1, current timestamp`, 'p50 ms', 'p99 ms', 'workerd CPU ms/req', 'answer'],
    w.results.map((r) => [r.name === 'reference' ? "Hono's example" : r.name, fixed(r.p50Ms, 1), fixed(r.p99Ms, 1), fixed(r.cpuMsPerRequest, 2), Object.keys(r.statuses).join(', ')]),
    'lrrrl',
  ));
  out.push('', table(
    ['cold start', 'bundle gzip KiB', 'load ms (ready)', 'first request ms', 'next requests p50 ms'],
    results.coldStart.map((r) => [r.name === 'reference' ? "Hono's example" : r.name, fixed((results.bundles[r.name]?.gzipBytes ?? NaN) / 1024, 1), fixed(r.readyMs, 0), fixed(r.firstMs, 1), fixed(r.warmP50Ms, 1)]),
    'lrrrr',
  ));
  return `${out.join('\n')}\n`;
}
