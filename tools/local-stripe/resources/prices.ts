// Prices: POST/GET /v1/prices[/:id], and the list. A price's amount and currency never
// change; a new price is made instead (as on Stripe).
import { invalid, missingParam } from '../core/errors';
import { newId } from '../core/ids';
import { applyMetadata, array, bool, int, nullable, obj, oneOf, previousAttributes, requiredStr, str } from '../core/params';
import { clone, now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { insertProduct } from './product-record';

export function createPrice(store: Store, params: StripeObject, ctx: RequestContext, prefix = ''): StripeObject {
  const p = (name: string) => (prefix ? `${prefix}[${name}]` : name);
  const currency = requiredStr(params, 'currency', p('currency')).toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}. Stripe currently supports these currencies: usd, eur, gbp, …`, p('currency'), 'parameter_invalid_string');
  let productId = str(params, 'product', p('product'));
  const productData = obj(params, 'product_data', p('product_data'));
  if (productId && productData) throw invalid('You may only specify one of these parameters: product, product_data.', p('product'));
  if (!productId && !productData) throw missingParam(p('product'));
  if (productId) store.must('product', productId, p('product'), 400);
  else productId = insertProduct(store, productData!, ctx).id;
  let unitAmount = int(params, 'unit_amount', p('unit_amount'));
  const unitAmountDecimal = str(params, 'unit_amount_decimal', p('unit_amount_decimal'));
  if (unitAmount === undefined && unitAmountDecimal !== undefined) unitAmount = Math.round(Number(unitAmountDecimal));
  if (unitAmount === undefined) throw missingParam(p('unit_amount'));
  if (unitAmount < 0) throw invalid('This value must be greater than or equal to 0.', p('unit_amount'), 'parameter_invalid_integer');
  const recurringParams = obj(params, 'recurring', p('recurring'));
  let recurring: StripeObject | null = null;
  if (recurringParams) {
    const interval = oneOf(requiredStr(recurringParams, 'interval', p('recurring[interval]')), ['day', 'week', 'month', 'year'] as const, p('recurring[interval]'))!;
    recurring = {
      interval,
      interval_count: int(recurringParams, 'interval_count', p('recurring[interval_count]')) ?? 1,
      meter: null,
      trial_period_days: int(recurringParams, 'trial_period_days') ?? null,
      usage_type: str(recurringParams, 'usage_type') ?? 'licensed',
    };
  }
  const created = ctx.created ?? now();
  const price: StripeObject = {
    ...store.fixture('price'),
    id: newId.price(),
    object: 'price',
    active: bool(params, 'active', p('active')) ?? true,
    billing_scheme: 'per_unit',
    created,
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: nullable(str(params, 'lookup_key')) ?? null,
    metadata: applyMetadata({}, params, p('metadata')),
    nickname: nullable(str(params, 'nickname')) ?? null,
    product: productId,
    recurring,
    tax_behavior: str(params, 'tax_behavior', p('tax_behavior')) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
  store.put('price', price);
  store.recordEvent('price.created', price, ctx);
  return price;
}

export function updatePrice(store: Store, id: string, params: StripeObject, ctx: RequestContext): StripeObject {
  const price = store.must('price', id);
  const before = clone(price);
  const active = bool(params, 'active');
  if (active !== undefined) price.active = active;
  for (const field of ['nickname', 'lookup_key']) {
    const value = str(params, field);
    if (value !== undefined) price[field] = nullable(value);
  }
  const taxBehavior = str(params, 'tax_behavior');
  if (taxBehavior !== undefined) price.tax_behavior = taxBehavior;
  price.metadata = applyMetadata(price.metadata ?? {}, params);
  const previous = previousAttributes(before, price);
  if (Object.keys(previous).length) store.recordEvent('price.updated', price, ctx, previous);
  return price;
}

export function listPrices(store: Store, params: StripeObject) {
  const active = bool(params, 'active');
  const product = str(params, 'product');
  const type = oneOf(str(params, 'type'), ['one_time', 'recurring'] as const, 'type');
  const currency = str(params, 'currency')?.toLowerCase();
  const lookupKeys = array(params, 'lookup_keys');
  const recurring = obj(params, 'recurring');
  const interval = recurring ? str(recurring, 'interval', 'recurring[interval]') : undefined;
  return store.list('price', params, (p) =>
    (active === undefined || p.active === active) &&
    (product === undefined || p.product === product) &&
    (type === undefined || p.type === type) &&
    (currency === undefined || p.currency === currency) &&
    (!lookupKeys || lookupKeys.includes(p.lookup_key)) &&
    (interval === undefined || p.recurring?.interval === interval),
  );
}
