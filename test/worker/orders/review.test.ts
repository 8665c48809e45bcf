import { describe, expect, it } from 'vitest';
import { findProduct } from '../../../catalog';
import { reviewReason, type PricedLine } from '../../../worker/orders/review';

const notes = findProduct('field-notes')!; // 1200 usd
const known = new Map([['price_notes', { currency: 'usd', unitAmount: 1200 }], ['price_free', { currency: 'usd', unitAmount: null }]]);
const line = (overrides: Partial<PricedLine>): PricedLine => ({ price: 'price_notes', catalogProduct: undefined, quantity: 1, amountSubtotal: 1200, currency: 'usd', ...overrides });

describe('reviewReason', () => {
  it('passes known prices at price × quantity, whatever discounts did to the total', () => {
    expect(reviewReason({ currency: 'usd', amountSubtotal: 3600, lines: [line({ quantity: 3, amountSubtotal: 3600 })], knownPrices: known })).toBeNull();
  });

  it('passes a Payment Link line priced from the catalog at any whole number of units', () => {
    const catalogLine = line({ price: null, catalogProduct: notes, amountSubtotal: null });
    expect(reviewReason({ currency: 'usd', amountSubtotal: 2400, lines: [catalogLine], knownPrices: new Map() })).toBeNull();
  });

  it.each([
    ['another currency', { currency: 'jpy', amountSubtotal: 1, lines: [line({ price: null, catalogProduct: notes, amountSubtotal: null, currency: 'jpy' })] }, /charged in jpy, sold in usd/],
    ['a negative amount', { currency: 'usd', amountSubtotal: -2400, lines: [line({ price: null, catalogProduct: notes, amountSubtotal: null })] }, /not a whole number/],
    ['a fraction of the price', { currency: 'usd', amountSubtotal: 1, lines: [line({ price: null, catalogProduct: notes, amountSubtotal: null })] }, /not a whole number/],
    ['an unknown price', { currency: 'usd', amountSubtotal: 1200, lines: [line({ price: 'price_adhoc' })] }, /price_adhoc is not a price this shop sells/],
    ['a line under its price', { currency: 'usd', amountSubtotal: 100, lines: [line({ amountSubtotal: 100 })] }, /subtotal 100 usd is not 1 × 1200/],
    ['a session total not the lines', { currency: 'usd', amountSubtotal: 100, lines: [line({})] }, /not the lines' 1200/],
    ['a price without an amount', { currency: 'usd', amountSubtotal: 0, lines: [line({ price: 'price_free', amountSubtotal: 0 })] }, /no fixed amount/],
    ['no product at all', { currency: 'usd', amountSubtotal: 1200, lines: [] }, /names no product/],
    ['a zero quantity', { currency: 'usd', amountSubtotal: 0, lines: [line({ quantity: 0, amountSubtotal: 0 })] }, /quantity 0/],
  ])('holds %s for review', (_name, input, reason) => {
    expect(reviewReason({ knownPrices: known, ...input })).toMatch(reason);
  });
});
