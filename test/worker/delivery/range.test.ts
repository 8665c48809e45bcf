import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../worker/delivery/range';

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', { kind: 'partial', range: { offset: 0, length: 1 } }],
    ['bytes=0-', { kind: 'partial', range: { offset: 0, length: 1000 } }],
    ['bytes=500-', { kind: 'partial', range: { offset: 500, length: 500 } }],
    ['bytes=990-5000', { kind: 'partial', range: { offset: 990, length: 10 } }],
    ['bytes=-100', { kind: 'partial', range: { offset: 900, length: 100 } }],
    ['bytes=-5000', { kind: 'partial', range: { offset: 0, length: 1000 } }],
    ['BYTES = 10-19', { kind: 'partial', range: { offset: 10, length: 10 } }],
  ])('%s of a 1000-byte file is one partial range', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it.each([undefined, null, '', 'items=0-1', 'bytes=abc', 'bytes=5-1', 'bytes=-'])('%j is not a byte range: the whole file', (header) => {
    expect(parseRange(header, 1000)).toEqual({ kind: 'whole' });
  });

  it.each(['bytes=1000-', 'bytes=2000-3000', 'bytes=-0'])('%s selects nothing of a 1000-byte file: unsatisfiable', (header) => {
    expect(parseRange(header, 1000).kind).toBe('unsatisfiable');
  });

  it('any range of an empty file is unsatisfiable', () => {
    expect(parseRange('bytes=-10', 0).kind).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0).kind).toBe('unsatisfiable');
  });

  it('several ranges are refused with a reason', () => {
    expect(parseRange('bytes=0-0, -1', 1000)).toEqual({ kind: 'multiple', reason: 'multiple ranges are not served; ask for one range per request' });
  });
});
