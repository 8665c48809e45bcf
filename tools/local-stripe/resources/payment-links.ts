// Payment Links: create, retrieve, update, list, and the session a visit to one starts.
import { CLIENT_REFERENCE_ID } from '../../../contract/ids';
import { invalid, missingParam } from '../core/errors';
import { newId } from '../core/ids';
import { applyMetadata, array, bool, checkUrl, nullable, obj, oneOf, previousAttributes, requiredStr, str } from '../core/params';
import { clone, now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { createCheckoutSession } from './checkout-sessions';
import { resolveLineItems } from './line-items';
import { shippingOptionRates } from './shipping-rates';

export function createPaymentLink(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const rawItems = array(params, 'line_items');
  if (!rawItems || rawItems.length === 0) throw missingParam('line_items');
  rawItems.forEach((item, index) => {
    if (typeof item === 'object' && item !== null && (item as StripeObject).price_data) throw invalid('Received unknown parameter: price_data', `line_items[${index}][price_data]`);
  });
  const { items, prices } = resolveLineItems(store, rawItems, ctx);
  const afterCompletion = obj(params, 'after_completion');
  let after: StripeObject = { hosted_confirmation: { custom_message: null }, type: 'hosted_confirmation' };
  if (afterCompletion) after = parseAfterCompletion(afterCompletion);
  const shippingOptions = linkShippingOptions(store, params, prices[0]!.currency, ctx);
  const created = ctx.created ?? now();
  const id = newId.paymentLink();
  const link: StripeObject = {
    ...store.fixture('payment_link'),
    id,
    object: 'payment_link',
    active: true,
    after_completion: after,
    allow_promotion_codes: bool(params, 'allow_promotion_codes') ?? false,
    automatic_tax: { enabled: false, liability: null },
    billing_address_collection: str(params, 'billing_address_collection') ?? 'auto',
    consent_collection: null,
    currency: prices[0]!.currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_creation: str(params, 'customer_creation') ?? 'if_required',
    inactive_message: null,
    invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
    livemode: false,
    managed_payments: { enabled: false },
    metadata: applyMetadata({}, params),
    payment_intent_data: null,
    payment_method_options: null,
    restrictions: null,
    shipping_address_collection: shippingCollection(params),
    shipping_options: shippingOptions,
    submit_type: str(params, 'submit_type') ?? 'auto',
    subscription_data: null,
    transfer_data: null,
    url: `${store.baseUrl}/pay-link/${id}`,
  };
  store.hiddenCreated.set(id, created); // payment links have no `created` field; the fake orders them by this
  store.put('payment_link', link);
  store.lineItems.set(id, items);
  store.recordEvent('payment_link.created', link, ctx);
  return link;
}

/** `shipping_address_collection[allowed_countries][]`: two-letter countries; '' (on update) turns it off. */
function shippingCollection(params: StripeObject): StripeObject | null {
  if (params.shipping_address_collection === '') return null;
  const collection = obj(params, 'shipping_address_collection');
  if (!collection) return null;
  const param = 'shipping_address_collection[allowed_countries]';
  const countries = array(collection, 'allowed_countries', param);
  if (!countries || countries.length === 0) throw missingParam(param);
  if (countries.some((country) => typeof country !== 'string' || !/^[A-Z]{2}$/.test(country))) throw invalid(`Invalid ${param}`, param);
  return { allowed_countries: countries };
}

/** `shipping_options[][shipping_rate]`: existing rates in the link's currency (a link takes no `shipping_rate_data`); '' (on update) removes them. */
function linkShippingOptions(store: Store, params: StripeObject, currency: string, ctx: RequestContext): StripeObject[] {
  if (params.shipping_options === '' || params.shipping_options === undefined) return [];
  return shippingOptionRates(store, params, currency, ctx, { inlineData: false }).map((id) => ({ shipping_amount: store.must('shipping_rate', id).fixed_amount.amount, shipping_rate: id }));
}

function parseAfterCompletion(params: StripeObject): StripeObject {
  const type = oneOf(requiredStr(params, 'type', 'after_completion[type]'), ['redirect', 'hosted_confirmation'] as const, 'after_completion[type]');
  if (type === 'redirect') {
    const redirect = obj(params, 'redirect', 'after_completion[redirect]');
    if (!redirect) throw missingParam('after_completion[redirect]');
    const url = checkUrl(requiredStr(redirect, 'url', 'after_completion[redirect][url]'), 'after_completion[redirect][url]')!;
    return { redirect: { url }, type: 'redirect' };
  }
  const confirmation = obj(params, 'hosted_confirmation');
  return { hosted_confirmation: { custom_message: confirmation ? (str(confirmation, 'custom_message') ?? null) : null }, type: 'hosted_confirmation' };
}

export function updatePaymentLink(store: Store, id: string, params: StripeObject, ctx: RequestContext): StripeObject {
  const link = store.must('payment_link', id);
  const before = clone(link);
  const active = bool(params, 'active');
  if (active !== undefined) link.active = active;
  const afterCompletion = obj(params, 'after_completion');
  if (afterCompletion) link.after_completion = parseAfterCompletion(afterCompletion);
  const promotionCodes = bool(params, 'allow_promotion_codes');
  if (promotionCodes !== undefined) link.allow_promotion_codes = promotionCodes;
  if (params.shipping_address_collection !== undefined) link.shipping_address_collection = shippingCollection(params);
  if (params.shipping_options !== undefined) link.shipping_options = linkShippingOptions(store, params, link.currency, ctx);
  const inactiveMessage = str(params, 'inactive_message');
  if (inactiveMessage !== undefined) link.inactive_message = nullable(inactiveMessage);
  link.metadata = applyMetadata(link.metadata ?? {}, params);
  const previous = previousAttributes(before, link);
  if (Object.keys(previous).length) store.recordEvent('payment_link.updated', link, ctx, previous);
  return link;
}

export function listPaymentLinks(store: Store, params: StripeObject) {
  const active = bool(params, 'active');
  return store.list('payment_link', params, (l) => active === undefined || l.active === active);
}

export function sessionFromPaymentLink(store: Store, id: string, query: URLSearchParams, ctx: RequestContext): StripeObject {
  const link = store.must('payment_link', id);
  if (!link.active) throw invalid('This payment link is no longer active.');
  const items = store.lineItems.get(id) ?? [];
  const mode = items.some((item) => store.find('price', item.price)?.type === 'recurring') ? 'subscription' : 'payment';
  const params: StripeObject = {
    mode,
    line_items: items.map((item) => ({ price: item.price, quantity: String(item.quantity) })),
  };
  const reference = query.get('client_reference_id');
  // Stripe ignores a client_reference_id that breaks its rule (the shop's contract writes the rule once).
  if (reference && CLIENT_REFERENCE_ID.test(reference)) params.client_reference_id = reference;
  const email = query.get('prefilled_email');
  if (email) params.customer_email = email;
  if (link.after_completion?.type === 'redirect') params.success_url = link.after_completion.redirect.url;
  if (mode === 'payment') params.customer_creation = link.customer_creation ?? 'if_required';
  if (link.allow_promotion_codes) params.allow_promotion_codes = 'true';
  if (link.shipping_address_collection) params.shipping_address_collection = { allowed_countries: link.shipping_address_collection.allowed_countries };
  if (mode === 'payment' && link.shipping_options?.length) params.shipping_options = link.shipping_options.map((option: StripeObject) => ({ shipping_rate: option.shipping_rate }));
  return createCheckoutSession(store, params, ctx, { paymentLink: link });
}
