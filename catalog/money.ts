// Prices are stored in the currency's minor unit (cents), as Stripe does.

/**
 * Format an amount in minor units, e.g. `formatMoney(1200, 'usd')` → "$12.00" and
 * `formatMoney(1200, 'jpy')` → "¥1,200". The number of decimals comes from Intl, which matches
 * Stripe for usual currencies; Stripe has a few special cases (ISK, HUF, TWD, UGX), so check its
 * currency docs before selling in those.
 */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** decimals);
}

/** A displayed price: `formatMoney`, plus ` / month` for a recurring price. */
export function formatPrice(price: { amount: number; currency: string }, interval: string | null = null, locale?: string): string {
  const money = formatMoney(price.amount, price.currency, locale);
  return interval ? `${money} / ${interval}` : money;
}
