// Shipping, written once for the site's build, the tools that make Payment Links and the
// worker's Checkout Sessions: the shop's countries and rates (catalog.json `shipping`), and
// the tracking page of a carrier the shop knows.
import type { Catalog, Product, ShippingRate } from './index';

/** `shipping_rate_data` (Checkout Sessions) and `shipping_rates.create` take the same shape. */
export interface StripeShippingRateData {
  display_name: string;
  type: 'fixed_amount';
  fixed_amount: { amount: number; currency: string };
  delivery_estimate?: { minimum?: { unit: 'business_day'; value: number }; maximum?: { unit: 'business_day'; value: number } };
  metadata: { catalog_shipping_rate: string };
}

/** A rate's identity in Stripe (`metadata.catalog_shipping_rate`): a changed rate is a new Shipping Rate (Stripe's are immutable). */
export function shippingRateKey(rate: ShippingRate): string {
  return [rate.name, rate.amount, rate.currency.toLowerCase(), rate.minDays ?? '', rate.maxDays ?? ''].join('|');
}

/** A catalog rate as Stripe takes it. */
export function shippingRateData(rate: ShippingRate): StripeShippingRateData {
  const estimate = {
    ...(rate.minDays !== undefined ? { minimum: { unit: 'business_day' as const, value: rate.minDays } } : {}),
    ...(rate.maxDays !== undefined ? { maximum: { unit: 'business_day' as const, value: rate.maxDays } } : {}),
  };
  return {
    display_name: rate.name,
    type: 'fixed_amount',
    fixed_amount: { amount: rate.amount, currency: rate.currency.toLowerCase() },
    ...(Object.keys(estimate).length > 0 ? { delivery_estimate: estimate } : {}),
    metadata: { catalog_shipping_rate: shippingRateKey(rate) },
  };
}

/** Whether a checkout of these products ships goods (asks an address, offers the rates). */
export function shipsAny(products: readonly (Pick<Product, 'digital'> | undefined)[]): boolean {
  return products.some((product) => product?.digital === false);
}

/**
 * Shipping mistakes in the catalog, found at build: every physical product needs countries to
 * ship to (its Buy would otherwise take money for goods with no address), and each rate must be
 * one Stripe takes. Messages name the product or the field, and the fix.
 */
export function shippingProblems(catalog: Pick<Catalog, 'shipping' | 'products'>): string[] {
  const problems: string[] = [];
  const shipping = catalog.shipping;
  const countries = shipping?.countries ?? [];
  for (const [index, product] of catalog.products.entries()) {
    if (product.digital === false && countries.length === 0) {
      problems.push(
        `catalog/catalog.json products[${index}] (${JSON.stringify(product.id)}) is shipped ("digital": false) but the catalog names no countries to ship to: add "shipping": { "countries": ["US", "CA"], "rates": [{ "name": "Standard", "amount": 500, "currency": "${product.price.currency}" }] } at the top of catalog/catalog.json`,
      );
    }
  }
  if (!shipping) return problems;
  const bad = countries.filter((country) => typeof country !== 'string' || !/^[A-Z]{2}$/.test(country));
  if (!Array.isArray(shipping.countries) || bad.length > 0) problems.push(`catalog/catalog.json shipping.countries must be two-letter ISO codes in capitals ("US", "GB"), not ${bad.map((c) => JSON.stringify(c)).join(', ')}`);
  const currencies = new Set(catalog.products.filter((product) => !product.digital).map((product) => product.price.currency.toLowerCase()));
  for (const [index, rate] of (shipping.rates ?? []).entries()) {
    const where = `catalog/catalog.json shipping.rates[${index}]`;
    if (typeof rate.name !== 'string' || rate.name.trim() === '' || rate.name.length > 100) problems.push(`${where}: name must be 1–100 characters (the buyer picks it at checkout)`);
    if (!Number.isSafeInteger(rate.amount) || rate.amount < 0) problems.push(`${where}: amount must be a whole number of minor units (500 is $5.00)`);
    if (typeof rate.currency !== 'string' || !/^[A-Za-z]{3}$/.test(rate.currency)) problems.push(`${where}: currency must be a 3-letter ISO code`);
    else if (currencies.size > 0 && !currencies.has(rate.currency.toLowerCase())) {
      problems.push(`${where}: currency ${rate.currency} is not the physical products' (${[...currencies].join(', ')}): Stripe charges shipping in the checkout's currency`);
    }
    for (const field of ['minDays', 'maxDays'] as const) {
      const days = rate[field];
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) problems.push(`${where}: ${field} must be a whole number of business days from 1 to 365`);
    }
    if (rate.minDays !== undefined && rate.maxDays !== undefined && rate.minDays > rate.maxDays) problems.push(`${where}: minDays must not be more than maxDays`);
  }
  if ((shipping.rates ?? []).length > 5) problems.push('catalog/catalog.json shipping.rates: Stripe offers at most 5 shipping rates in one checkout');
  return problems;
}

/** Tracking pages of carriers the shop knows, by the lower-case names a seller types. */
const TRACKING_PAGES: Record<string, (number: string) => string> = {
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  dhl: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=${n}`,
  'royal mail': (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
  'canada post': (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}`,
  'australia post': (n) => `https://auspost.com.au/mypost/track/details/${n}`,
};

/** The carrier's tracking page for a number, or null for a carrier the shop does not know. */
export function trackingUrl(carrier: string | null, trackingNumber: string | null): string | null {
  if (!carrier || !trackingNumber) return null;
  const page = TRACKING_PAGES[carrier.trim().toLowerCase()];
  return page ? page(encodeURIComponent(trackingNumber.replaceAll(' ', ''))) : null;
}
