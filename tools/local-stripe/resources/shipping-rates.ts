// Shipping Rates: create, retrieve, update (active, metadata), list; and the `shipping_options`
// a Checkout Session or a Payment Link takes (a rate's id, or `shipping_rate_data` made into one).
// Only `fixed_amount` rates, as Stripe's API makes them; a rate's amount never changes once made.
import { invalid, missingParam } from '../core/errors';
import { newId } from '../core/ids';
import { applyMetadata, array, bool, int, obj, oneOf, requiredStr, str } from '../core/params';
import { now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';

const UNITS = ['hour', 'day', 'business_day', 'week', 'month'] as const;

function estimateBound(estimate: StripeObject, name: 'minimum' | 'maximum', param: string): StripeObject | null {
  const bound = obj(estimate, name, `${param}[${name}]`);
  if (!bound) return null;
  const unit = oneOf(requiredStr(bound, 'unit', `${param}[${name}][unit]`), UNITS, `${param}[${name}][unit]`)!;
  const value = int(bound, 'value', `${param}[${name}][value]`);
  if (value === undefined) throw missingParam(`${param}[${name}][value]`);
  if (value < 1) throw invalid(`${param}[${name}][value] must be a positive integer.`, `${param}[${name}][value]`);
  return { unit, value };
}

/** `POST /v1/shipping_rates`, or a session's `shipping_rate_data` (`param` names where its fields are). */
export function createShippingRate(store: Store, params: StripeObject, ctx: RequestContext, param = ''): StripeObject {
  const at = (name: string) => (param ? `${param}[${name}]` : name);
  const displayName = requiredStr(params, 'display_name', at('display_name'));
  if (displayName.length > 100) throw invalid(`${at('display_name')} must be at most 100 characters.`, at('display_name'));
  const type = oneOf(str(params, 'type', at('type')), ['fixed_amount'] as const, at('type')) ?? 'fixed_amount';
  const fixed = obj(params, 'fixed_amount', at('fixed_amount'));
  if (!fixed) throw missingParam(at('fixed_amount'));
  const amount = int(fixed, 'amount', at('fixed_amount[amount]'));
  if (amount === undefined) throw missingParam(at('fixed_amount[amount]'));
  if (amount < 0) throw invalid(`${at('fixed_amount[amount]')} must be zero or more.`, at('fixed_amount[amount]'));
  const currency = requiredStr(fixed, 'currency', at('fixed_amount[currency]')).toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}`, at('fixed_amount[currency]'));
  const estimate = obj(params, 'delivery_estimate', at('delivery_estimate'));
  const minimum = estimate ? estimateBound(estimate, 'minimum', at('delivery_estimate')) : null;
  const maximum = estimate ? estimateBound(estimate, 'maximum', at('delivery_estimate')) : null;
  const rate: StripeObject = {
    ...store.fixture('shipping_rate'),
    id: newId.shippingRate(),
    object: 'shipping_rate',
    active: true,
    created: ctx.created ?? now(),
    delivery_estimate: minimum || maximum ? { maximum, minimum } : null,
    display_name: displayName,
    fixed_amount: { amount, currency },
    livemode: false,
    metadata: applyMetadata({}, params, at('metadata')),
    tax_behavior: oneOf(str(params, 'tax_behavior', at('tax_behavior')), ['inclusive', 'exclusive', 'unspecified'] as const, at('tax_behavior')) ?? 'unspecified',
    tax_code: str(params, 'tax_code', at('tax_code')) ?? null,
    type,
  };
  store.put('shipping_rate', rate);
  return rate;
}

export function updateShippingRate(store: Store, id: string, params: StripeObject): StripeObject {
  const rate = store.must('shipping_rate', id, 'shipping_rate_token');
  // Stripe takes fixed_amount[currency_options] here (other currencies); the shop uses none, so it is refused rather than ignored.
  if (params.fixed_amount !== undefined) throw invalid('The local Stripe does not take fixed_amount[currency_options]; create a new shipping rate.', 'fixed_amount');
  const active = bool(params, 'active');
  if (active !== undefined) rate.active = active;
  rate.metadata = applyMetadata(rate.metadata ?? {}, params);
  store.put('shipping_rate', rate);
  return rate;
}

export function listShippingRates(store: Store, params: StripeObject) {
  const active = bool(params, 'active');
  const currency = str(params, 'currency')?.toLowerCase();
  return store.list('shipping_rate', params, (rate) => (active === undefined || rate.active === active) && (currency === undefined || rate.fixed_amount?.currency === currency));
}

/**
 * `shipping_options[]` of a session or a link: each names an active rate in `currency`, or
 * (sessions only) gives `shipping_rate_data`; at most 5. Returns the rates' ids, in order.
 */
export function shippingOptionRates(store: Store, params: StripeObject, currency: string | null, ctx: RequestContext, { inlineData }: { inlineData: boolean }): string[] {
  const options = array(params, 'shipping_options');
  if (!options) return [];
  if (options.length > 5) throw invalid('You may pass at most 5 shipping_options.', 'shipping_options');
  return options.map((option, index) => {
    const param = `shipping_options[${index}]`;
    if (typeof option !== 'object' || option === null) throw invalid(`Invalid ${param}`, param);
    const entry = option as StripeObject;
    const id = str(entry, 'shipping_rate', `${param}[shipping_rate]`);
    const data = obj(entry, 'shipping_rate_data', `${param}[shipping_rate_data]`);
    if (data && !inlineData) throw invalid('Received unknown parameter: shipping_rate_data', `${param}[shipping_rate_data]`, 'parameter_unknown');
    if ((id === undefined) === (data === undefined)) throw invalid(`You must pass exactly one of ${param}[shipping_rate] or ${param}[shipping_rate_data].`, param);
    const rate = id !== undefined ? store.must('shipping_rate', id, `${param}[shipping_rate]`, 400) : createShippingRate(store, data!, ctx, `${param}[shipping_rate_data]`);
    if (!rate.active) throw invalid(`The shipping rate ${rate.id} is not active.`, `${param}[shipping_rate]`);
    if (currency && rate.fixed_amount.currency !== currency) {
      throw invalid(`The shipping rate ${rate.id} is in ${rate.fixed_amount.currency}, but this checkout is in ${currency}.`, `${param}[shipping_rate]`);
    }
    return rate.id as string;
  });
}
