// Issue 22's targets: each figure the bench measured next to its target, met or not.
import { fixed } from './report.mjs';

/** Issue 22's targets, at the high concurrency (purchases: the webhooks Stripe sends for one, and its delivery). */
export const TARGETS = { oursOverHonoExample: 0.5, oursOverNaive: 3, p99Ms: 50, commitsPerWebhook: 0.1, commitP99Ms: 2000, rowsWrittenPerPurchase: 12, storageBytesPerPurchase: 2048 };
/**
 * The targets table: each measured figure, and whether it meets its target.
 * @param {{ ratios: { concurrency: number, oursOverHonoExample: number, oursOverNaive: number, oursP99Ms: number }[],
 *   load: { label: string, concurrency: number, verification?: { commitLatency?: { p50Ms: number, p99Ms: number, uncommitted: number } } }[],
 *   perPurchase: { rowsWrittenPerPurchase: number, bytesPerPurchase: number, keptBytesPerPurchase: number, underLoad: { commitsPerWebhook: number } } }} results
 * @param {number} concurrency
 */
export function targetsOf(results, concurrency) {
  const high = results.ratios.find((r) => r.concurrency === concurrency);
  const p = results.perPurchase;
  const oursHigh = results.load.find((run) => run.label === 'ours' && run.concurrency === concurrency);
  const commit = oursHigh?.verification?.commitLatency;
  const row = (what, value, met) => ({ what, value, met: Boolean(met) });
  return [
    row(`ours ≥ ${TARGETS.oursOverHonoExample}× Hono's example at ${concurrency} connections`, `${fixed(high.oursOverHonoExample, 2)}×`, high.oursOverHonoExample >= TARGETS.oursOverHonoExample),
    row(`ours ≥ ${TARGETS.oursOverNaive}× the naive durable peer at ${concurrency} connections`, `${fixed(high.oursOverNaive, 2)}×`, high.oursOverNaive >= TARGETS.oursOverNaive),
    row(`ours p99 ≤ ${TARGETS.p99Ms} ms at ${concurrency} connections`, `${fixed(high.oursP99Ms, 1)} ms`, high.oursP99Ms <= TARGETS.p99Ms),
    row(`D1 commits per webhook ≤ ${TARGETS.commitsPerWebhook} under load (${concurrency} connections)`, fixed(p.underLoad.commitsPerWebhook, 3), p.underLoad.commitsPerWebhook <= TARGETS.commitsPerWebhook),
    row(
      `time from the webhook's 200 to its order committed, p99 ≤ ${TARGETS.commitP99Ms / 1000} s (${concurrency} connections)`,
      commit ? `p50 ${fixed(commit.p50Ms, 0)} ms, p99 ${fixed(commit.p99Ms, 0)} ms` : 'n/a',
      commit && commit.uncommitted === 0 && commit.p99Ms <= TARGETS.commitP99Ms,
    ),
    row(`D1 rows written per purchase ≤ ${TARGETS.rowsWrittenPerPurchase}`, fixed(p.rowsWrittenPerPurchase, 1), p.rowsWrittenPerPurchase <= TARGETS.rowsWrittenPerPurchase),
    row(`D1 storage per purchase ≤ ${TARGETS.storageBytesPerPurchase / 1024} KiB, with its events' payloads (kept LEDGER_PAYLOAD_RETENTION_DAYS)`, `${fixed(p.bytesPerPurchase / 1024, 2)} KiB`, p.bytesPerPurchase <= TARGETS.storageBytesPerPurchase),
    row(`D1 storage per purchase ≤ ${TARGETS.storageBytesPerPurchase / 1024} KiB, once the payloads are cleared`, `${fixed(p.keptBytesPerPurchase / 1024, 2)} KiB`, p.keptBytesPerPurchase <= TARGETS.storageBytesPerPurchase),
  ];
}

