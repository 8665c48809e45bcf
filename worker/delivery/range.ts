// The Range header of a download (RFC 9110 §14): one byte range is served as 206; a
// range past the end is 416; several ranges are refused with 416 and a reason (a
// multipart answer buys a download manager nothing a second request would not).
// A header that is not a byte range at all is ignored, as the RFC asks: the whole file.

export type ByteRange = { offset: number; length: number };

export type RangeRequest =
  | { kind: 'whole' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable'; reason: string }
  | { kind: 'multiple'; reason: string };

const SINGLE = /^(\d*)-(\d*)$/;

export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'whole' };
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!match) return { kind: 'whole' };
  const specs = match[1]!.split(',').map((spec) => spec.trim());
  if (specs.length > 1) return { kind: 'multiple', reason: 'multiple ranges are not served; ask for one range per request' };
  const single = SINGLE.exec(specs[0]!);
  if (!single) return { kind: 'whole' };
  const [, first, last] = single;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // A suffix: the last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable', reason: `range ${specs[0]} selects no byte of a ${size}-byte file` };
    const length = Math.min(suffix, size);
    return { kind: 'partial', range: { offset: size - length, length } };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { kind: 'whole' }; // invalid syntax: ignored
  if (start >= size) return { kind: 'unsatisfiable', reason: `range ${specs[0]} starts past the end of a ${size}-byte file` };
  return { kind: 'partial', range: { offset: start, length: end - start + 1 } };
}
