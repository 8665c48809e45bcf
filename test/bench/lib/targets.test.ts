import { describe, expect, it } from 'vitest';
import { TARGETS, targetsOf } from '../../../bench/lib/targets.mjs';

/** Figures a run could have measured, every one on the good side of its target. */
const passing = () => ({
  ratios: [{ concurrency: 32, oursOverHonoExample: 0.6, oursOverNaive: 3.5, oursP99Ms: 40 }],
  load: [{ label: 'ours', concurrency: 32, verification: { commitLatency: { p50Ms: 600, p99Ms: 1500, uncommitted: 0 } } }],
  perPurchase: { rowsWrittenPerPurchase: 11, bytesPerPurchase: 2000, keptBytesPerPurchase: 1500, underLoad: { commitsPerWebhook: 0.05 } },
});

describe('the targets table', () => {
  it('has one row per target of issue 22, each met when its figure is on the good side', () => {
    const rows = targetsOf(passing(), 32);
    expect(rows.map((row) => row.met)).toEqual(Array(8).fill(true));
    expect(rows.map((row) => row.what)).toEqual([
      expect.stringContaining("0.5× Hono's example"),
      expect.stringContaining('3× the naive durable peer'),
      expect.stringContaining('p99 ≤ 50 ms'),
      expect.stringContaining('commits per webhook ≤ 0.1'),
      expect.stringContaining("200 to its order committed, p99 ≤ 2 s"),
      expect.stringContaining('rows written per purchase ≤ 12'),
      expect.stringContaining('with its events'),
      expect.stringContaining('once the payloads are cleared'),
    ]);
    expect(TARGETS.rowsWrittenPerPurchase).toBe(12);
  });

  it('marks each target missed when its figure is past it, and the commit time missed when an event never committed', () => {
    const figures = passing();
    figures.ratios[0] = { concurrency: 32, oursOverHonoExample: 0.4, oursOverNaive: 2.9, oursP99Ms: 51 };
    figures.perPurchase = { rowsWrittenPerPurchase: 12.5, bytesPerPurchase: 2049, keptBytesPerPurchase: 2049, underLoad: { commitsPerWebhook: 0.11 } };
    figures.load[0]!.verification.commitLatency = { p50Ms: 100, p99Ms: 200, uncommitted: 1 };
    expect(targetsOf(figures, 32).map((row) => row.met)).toEqual(Array(8).fill(false));
  });

  it('shows the commit time as its p50 and p99', () => {
    expect(targetsOf(passing(), 32)[4]!.value).toBe('p50 600 ms, p99 1500 ms');
  });
});
