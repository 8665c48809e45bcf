import { describe, expect, it } from 'vitest';
import { growthSvg } from '../../../bench/lib/growth.mjs';

const op = (p50Ms: number, rowsRead: number) => ({ count: 1, p50Ms, meanMs: p50Ms, statuses: { 200: 1 }, responseBytes: 0, roundTrips: 1, rowsRead, rowsWritten: 0 });

const growth = {
  requests: 1,
  catalog: [
    { size: 10, seedMs: 1, ops: { 'catalog page, KV miss (rebuild from D1)': op(20, 40), 'product <page> & "more"': op(2, 8) } },
    { size: 1000, seedMs: 1, ops: { 'catalog page, KV miss (rebuild from D1)': op(40, 4000), 'product <page> & "more"': op(3, 8) } },
  ],
  orders: [
    { size: 1000, seedMs: 1, ops: { 'order lookup': op(5, 3) } },
    { size: 1_000_000, seedMs: 1, ops: { 'order lookup': op(6, 3) } },
  ],
};

describe('the growth chart', () => {
  it('draws the back office\'s operations in a panel of their own when measured', () => {
    const svg = growthSvg({ ...growth, backOffice: [{ size: 1000, seedMs: 1, ops: { 'orders page': op(8, 50) } }, { size: 1_000_000, seedMs: 1, ops: { 'orders page': op(9, 50) } }] });
    expect(svg).toContain('Back office: p50 ms per operation vs order rows');
    expect(svg.match(/<path /g)).toHaveLength(3);
    expect(svg).toContain('D1 rows read: 50/50');
  });

  it('draws one line per operation and panel, leaving out the one-off KV miss', () => {
    const svg = growthSvg(growth);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).not.toContain('KV miss');
  });

  it('escapes operation names and labels each size', () => {
    const svg = growthSvg(growth);
    expect(svg).not.toContain('<page>');
    expect(svg).toContain('product &#60;page&#62;');
    expect(svg).toContain('1,000,000');
    expect(svg).toContain('D1 rows read: 8/8');
  });
});
