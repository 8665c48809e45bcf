import { describe, expect, it } from 'vitest';
import { formatMoney, formatPrice } from '../../catalog/money';

// Intl puts a no-break space between a currency code and the number; compare with plain spaces.
const plain = (text: string) => text.replace(/\s/g, ' ');

describe('formatMoney', () => {
  it('formats a two-decimal currency from cents', () => {
    expect(formatMoney(1200, 'usd', 'en-US')).toBe('$12.00');
    expect(formatMoney(1999, 'USD', 'en-US')).toBe('$19.99');
    expect(formatMoney(5, 'usd', 'en-US')).toBe('$0.05');
    expect(formatMoney(0, 'usd', 'en-US')).toBe('$0.00');
    expect(formatMoney(123456789, 'usd', 'en-US')).toBe('$1,234,567.89');
  });

  it('formats a zero-decimal currency without dividing', () => {
    expect(formatMoney(1200, 'jpy', 'en-US')).toBe('¥1,200');
    expect(formatMoney(1200, 'JPY', 'en-US')).toBe('¥1,200');
  });

  it('formats a three-decimal currency from thousandths', () => {
    expect(plain(formatMoney(1234, 'kwd', 'en-US'))).toBe('KWD 1.234');
    expect(plain(formatMoney(5, 'bhd', 'en-US'))).toBe('BHD 0.005');
  });

  it('follows the locale', () => {
    expect(plain(formatMoney(123456, 'eur', 'de-DE'))).toBe('1.234,56 €');
  });

  it('throws for a malformed currency code (callers catch it)', () => {
    expect(() => formatMoney(100, 'dollars', 'en-US')).toThrow(RangeError);
  });
});

describe('formatPrice', () => {
  it('is formatMoney for a one-time price', () => {
    expect(formatPrice({ amount: 1200, currency: 'usd' }, null, 'en-US')).toBe('$12.00');
    expect(formatPrice({ amount: 1200, currency: 'usd' }, undefined, 'en-US')).toBe('$12.00');
  });

  it('adds the interval of a recurring price', () => {
    expect(formatPrice({ amount: 500, currency: 'usd' }, 'month', 'en-US')).toBe('$5.00 / month');
  });
});
