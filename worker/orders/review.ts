// Whether a paid session really bought what this shop sells, at its price. Stripe
// signs whatever session the seller's account produced — an ad-hoc price, a
// Payment Link with "customer chooses the amount", another integration — so the
// shop fulfils only lines whose price it knows, in that price's currency, at that
// price times the quantity. Discounts, promotion codes and tax change the total,
// not the subtotal, and stay legitimate. Anything else waits for the seller in
// `review`. Pure: the callers read the prices.
import type { Product } from '../../catalog';

export interface PricedLine {
  price: string | null;
  /** The catalog product the line names, when it names one (Payment Links without an API key). */
  catalogProduct: Product | undefined;
  quantity: number;
  /** The line's amount before discounts and tax; null when Stripe did not say. */
  amountSubtotal: number | null;
  currency: string | null;
}

export interface PriceFact {
  currency: string;
  unitAmount: number | null;
}

export interface ReviewInput {
  currency: string | null;
  amountSubtotal: number | null;
  lines: PricedLine[];
  /** Prices the shop knows: the mirror's, and the catalog's seeded ones. */
  knownPrices: ReadonlyMap<string, PriceFact>;
}

/** Null when every line is a known price at its amount; else why the session needs the seller's eye. */
export function reviewReason({ currency, amountSubtotal, lines, knownPrices }: ReviewInput): string | null {
  if (lines.length === 0) return 'the session names no product of this shop';
  if (!currency) return 'the session has no currency';
  let expectedSubtotal = 0;
  for (const [index, line] of lines.entries()) {
    const label = `line ${index + 1}`;
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) return `${label}: quantity ${line.quantity} is not a positive integer`;
    const fact = line.price ? knownPrices.get(line.price) : undefined;
    const unit = fact ?? (line.catalogProduct ? { currency: line.catalogProduct.price.currency, unitAmount: line.catalogProduct.price.amount } : undefined);
    if (!unit) return `${label}: price ${line.price ?? '(none)'} is not a price this shop sells`;
    if (unit.unitAmount === null) return `${label}: price ${line.price} has no fixed amount`;
    const lineCurrency = (line.currency ?? currency).toLowerCase();
    if (lineCurrency !== unit.currency.toLowerCase()) return `${label}: charged in ${lineCurrency}, sold in ${unit.currency.toLowerCase()}`;
    const expected = unit.unitAmount * line.quantity;
    if (line.amountSubtotal !== null && line.amountSubtotal !== expected) {
      return `${label}: subtotal ${line.amountSubtotal} ${lineCurrency} is not ${line.quantity} × ${unit.unitAmount}`;
    }
    expectedSubtotal += expected;
  }
  // A Payment Link line built from the catalog carries no amounts of its own: the session's do.
  if (amountSubtotal === null) return 'the session has no subtotal';
  if (lines.length === 1 && lines[0]!.amountSubtotal === null) {
    const unit = lines[0]!.price ? knownPrices.get(lines[0]!.price)?.unitAmount : lines[0]!.catalogProduct?.price.amount;
    // The quantity of a Payment Link without line items is unknown: any whole number of units.
    if (unit && amountSubtotal > 0 && amountSubtotal % unit === 0) return null;
    return `subtotal ${amountSubtotal} ${currency.toLowerCase()} is not a whole number of ${unit ?? '?'}`;
  }
  if (amountSubtotal !== expectedSubtotal) return `subtotal ${amountSubtotal} ${currency.toLowerCase()} is not the lines' ${expectedSubtotal}`;
  return null;
}
