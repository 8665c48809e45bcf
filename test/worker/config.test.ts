import { describe, expect, it } from 'vitest';
import { commaSeparated } from '../../worker/config';

describe('commaSeparated', () => {
  it('splits on commas and trims stray whitespace and newlines', () => {
    expect(commaSeparated(' whsec_a ,\nwhsec_b\n,, ')).toEqual(['whsec_a', 'whsec_b']);
  });

  it('reads an unset or blank variable as empty', () => {
    expect(commaSeparated(undefined)).toEqual([]);
    expect(commaSeparated(' , ')).toEqual([]);
  });
});
