// Checkout Sessions: create (payment, subscription and setup mode; hosted or embedded),
// retrieve, list, expire, and what paying one does.
import { invalid, missingParam, noSuch } from '../core/errors';
import { newId, randomAlnum } from '../core/ids';
import { applyMetadata, array, bool, checkUrl, int, obj, oneOf, requiredStr, str } from '../core/params';
import { now, type Store } from '../core/store';
import type { CheckoutForm, RequestContext, StripeObject } from '../core/types';
import { capturePayment, settlePayment, startDelayedPayment } from './charges';
import { createCustomer } from './customers';
import { payInvoice } from './invoices';
import { applyPromotionCode, redeemDiscount } from './promotion-codes';
import { resolveLineItems } from './line-items';
import { shippingOptionRates } from './shipping-rates';
import { createSubscription } from './subscriptions';

export function createCheckoutSession(store: Store, params: StripeObject, ctx: RequestContext, from: { paymentLink?: StripeObject } = {}): StripeObject {
  const mode = oneOf(requiredStr(params, 'mode'), ['payment', 'subscription', 'setup'] as const, 'mode')!;
  const rawItems = array(params, 'line_items');
  if (mode !== 'setup' && (!rawItems || rawItems.length === 0)) throw missingParam('line_items');
  if (mode === 'setup' && rawItems?.length) throw invalid('You cannot pass `line_items` in `setup` mode.', 'line_items');
  const { items, prices } = resolveLineItems(store, rawItems, ctx);
  if (mode === 'payment') {
    const recurringIndex = prices.findIndex((p) => p.type === 'recurring');
    if (recurringIndex !== -1) {
      throw invalid(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `line_items[${recurringIndex}][price]`,
      );
    }
  }
  if (mode === 'subscription' && !prices.some((p) => p.type === 'recurring')) {
    throw invalid('You must provide at least one recurring price in `subscription` mode when using prices.', 'line_items');
  }
  const customerId = str(params, 'customer');
  const customerEmail = str(params, 'customer_email');
  if (customerId && customerEmail) throw invalid('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  if (customerId) {
    if (store.deletedCustomers.has(customerId)) throw noSuch('customer', customerId, 'customer', 400);
    store.must('customer', customerId, 'customer', 400);
  }
  const clientReferenceId = str(params, 'client_reference_id');
  if (clientReferenceId !== undefined && clientReferenceId.length > 200) throw invalid('client_reference_id must be at most 200 characters', 'client_reference_id');
  const successUrl = checkUrl(str(params, 'success_url'), 'success_url');
  const cancelUrl = checkUrl(str(params, 'cancel_url'), 'cancel_url');
  // Embedded Checkout (API 2026-10-28.endive names it `embedded_page`): it returns to return_url and has no pages of its own.
  const uiMode = oneOf(str(params, 'ui_mode'), ['hosted_page', 'embedded_page'] as const, 'ui_mode') ?? 'hosted_page';
  const returnUrl = checkUrl(str(params, 'return_url'), 'return_url');
  if (uiMode === 'embedded_page') {
    if (successUrl !== undefined) throw invalid('`success_url` is not supported with `ui_mode: embedded_page`; use `return_url`.', 'success_url');
    if (cancelUrl !== undefined) throw invalid('`cancel_url` is not supported with `ui_mode: embedded_page`.', 'cancel_url');
    if (returnUrl === undefined && str(params, 'redirect_on_completion') !== 'never') throw missingParam('return_url');
  } else if (returnUrl !== undefined) {
    throw invalid('`return_url` can only be used with `ui_mode: embedded_page`.', 'return_url');
  }
  const shippingCollection = obj(params, 'shipping_address_collection');
  const allowedCountries = shippingCollection ? array(shippingCollection, 'allowed_countries', 'shipping_address_collection[allowed_countries]') : undefined;
  if (shippingCollection && (!allowedCountries || allowedCountries.some((country) => typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)))) {
    throw invalid('Invalid shipping_address_collection[allowed_countries]', 'shipping_address_collection[allowed_countries]');
  }
  const automaticTax = obj(params, 'automatic_tax');
  const phoneCollection = obj(params, 'phone_number_collection');
  const customerCreation = oneOf(str(params, 'customer_creation'), ['always', 'if_required'] as const, 'customer_creation');
  if (customerCreation && mode !== 'payment') throw invalid('`customer_creation` can only be used in `payment` mode.', 'customer_creation');
  const paymentIntentData = obj(params, 'payment_intent_data');
  const subscriptionData = obj(params, 'subscription_data');
  const amount = items.reduce((sum, item, index) => sum + (prices[index]!.unit_amount ?? 0) * item.quantity, 0);
  const currency = prices[0]?.currency ?? (mode === 'setup' ? (str(params, 'currency') ?? null) : null);
  if (params.shipping_options !== undefined && mode !== 'payment') throw invalid('`shipping_options` can only be used in `payment` mode.', 'shipping_options');
  // Last of the checks: `shipping_rate_data` makes a Shipping Rate, as Stripe does.
  const rates = shippingOptionRates(store, params, currency, ctx, { inlineData: true }).map((rateId) => store.must('shipping_rate', rateId));
  const created = ctx.created ?? now();
  const id = newId.session();
  const expiresAt = int(params, 'expires_at') ?? created + 24 * 60 * 60;
  const session: StripeObject = {
    ...store.fixture('checkout.session'),
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: bool(params, 'allow_promotion_codes') ?? null,
    amount_subtotal: mode === 'setup' ? null : amount,
    amount_total: mode === 'setup' ? null : amount,
    automatic_tax: { enabled: (automaticTax && bool(automaticTax, 'enabled', 'automatic_tax[enabled]')) ?? false, liability: null, provider: null, status: null },
    billing_address_collection: str(params, 'billing_address_collection') ?? null,
    cancel_url: cancelUrl ?? null,
    client_reference_id: clientReferenceId || null,
    client_secret: uiMode === 'embedded_page' ? `${id}_secret_${randomAlnum(24)}` : null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customerId ?? null,
    customer_account: null,
    customer_creation: mode === 'payment' ? (customerCreation ?? 'if_required') : null,
    customer_details: null,
    customer_email: customerEmail || null,
    discounts: [],
    expires_at: expiresAt,
    invoice: null,
    invoice_creation: mode === 'payment' ? { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } } : null,
    livemode: false,
    locale: str(params, 'locale') ?? null,
    metadata: applyMetadata({ ...(from.paymentLink?.metadata ?? {}) }, params),
    mode,
    payment_intent: null,
    payment_link: from.paymentLink?.id ?? null,
    payment_method_collection: mode === 'subscription' ? 'always' : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: (phoneCollection && bool(phoneCollection, 'enabled', 'phone_number_collection[enabled]')) ?? false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    return_url: returnUrl ?? null,
    shipping_address_collection: allowedCountries ? { allowed_countries: allowedCountries } : null,
    shipping_cost: null,
    shipping_options: rates.map((rate) => ({ shipping_amount: rate.fixed_amount.amount, shipping_rate: rate.id })),
    status: 'open',
    submit_type: str(params, 'submit_type') ?? null,
    subscription: null,
    success_url: successUrl ?? null,
    total_details: mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: uiMode,
    url: uiMode === 'embedded_page' ? null : `${store.baseUrl}/pay/${id}`,
    wallet_options: null,
  };
  // Stripe preselects the first shipping option: the total shows it from the start.
  if (rates[0]) chooseShippingRate(session, rates[0].id);
  store.put('checkout.session', session);
  store.lineItems.set(id, items);
  store.sessionExtras.set(id, {
    paymentIntentMetadata: paymentIntentData ? applyMetadata({}, paymentIntentData, 'payment_intent_data[metadata]') : {},
    subscriptionMetadata: subscriptionData ? applyMetadata({}, subscriptionData, 'subscription_data[metadata]') : {},
    customerCreation: customerCreation ?? null,
  });
  return session;
}

/** The buyer's pick among the session's shipping options: `shipping_cost` and the total follow (after any discount). */
export function chooseShippingRate(session: StripeObject, rateId: string): void {
  const option = (session.shipping_options as { shipping_amount: number; shipping_rate: string }[]).find((o) => o.shipping_rate === rateId);
  if (!option) throw invalid(`${rateId} is not one of this checkout's shipping options.`, 'shipping_rate');
  const amount = option.shipping_amount;
  session.shipping_cost = { amount_subtotal: amount, amount_tax: 0, amount_total: amount, shipping_rate: rateId };
  const discount = session.total_details?.amount_discount ?? 0;
  session.total_details = { ...session.total_details, amount_shipping: amount };
  session.amount_total = (session.amount_subtotal ?? 0) - discount + amount;
}

/**
 * How the buyer pays on the hosted page: `pay` (a card: paid at once), or a delayed method
 * (bank debit) that is `unpaid` at completion and settles later: `pay_later` succeeds, `fail` fails.
 */
export type PaymentOutcome = 'pay' | 'pay_later' | 'fail';

const filled = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : null);

/**
 * Checks the form against what the session collects and applies it: the promotion code's
 * discount, and the shipping address and phone as Stripe shows them once paid
 * (`collected_information.shipping_details`, `customer_details.phone`). Throws before any change
 * when something required is missing.
 */
function collectForm(store: Store, session: StripeObject, form: CheckoutForm): { shippingDetails: StripeObject | null; phone: string | null } {
  let shippingDetails: StripeObject | null = null;
  const allowed: string[] | undefined = session.shipping_address_collection?.allowed_countries;
  if (allowed) {
    const a = form.shipping ?? {};
    const missing = (['name', 'line1', 'city', 'postal_code', 'country'] as const).find((field) => !filled(a[field]));
    if (missing) throw invalid(`This checkout ships goods: the shipping address needs ${missing.replace('_', ' ')}.`, `shipping[${missing}]`);
    if (!allowed.includes(filled(a.country)!.toUpperCase())) throw invalid(`This shop does not ship to ${filled(a.country)}; it ships to ${allowed.join(', ')}.`, 'shipping[country]');
    shippingDetails = {
      name: filled(a.name),
      address: { city: filled(a.city), country: filled(a.country)!.toUpperCase(), line1: filled(a.line1), line2: filled(a.line2), postal_code: filled(a.postal_code), state: filled(a.state) },
    };
  }
  const phone = filled(form.phone);
  if (session.phone_number_collection?.enabled && !phone) throw invalid('This checkout needs a phone number.', 'phone');
  if (phone !== null && !/^\+?[0-9 ()-]{6,20}$/.test(phone)) throw invalid('That is not a phone number.', 'phone');
  const rate = filled(form.shippingRate);
  if (rate && !(session.shipping_options as { shipping_rate: string }[]).some((option) => option.shipping_rate === rate)) throw invalid(`${rate} is not one of this checkout's shipping options.`, 'shipping_rate');
  const code = filled(form.promotionCode);
  if (code) applyPromotionCode(store, session, code);
  if (rate) chooseShippingRate(session, rate);
  return { shippingDetails, phone: session.phone_number_collection?.enabled ? phone : null };
}

/** The Pay buttons: completes an open session and records what Stripe would. Synchronous; delivery is queued. */
export function completeSession(store: Store, id: string, email: string | undefined, ctx: RequestContext, form: CheckoutForm = {}, outcome: PaymentOutcome = 'pay'): StripeObject {
  const session = store.must('checkout.session', id);
  if (session.status !== 'open') throw invalid(`This Checkout Session is no longer active (status: ${session.status}).`);
  const { shippingDetails, phone } = collectForm(store, session, form);
  const extras = store.sessionExtras.get(id) ?? { paymentIntentMetadata: {}, subscriptionMetadata: {}, customerCreation: null };
  const existingCustomer = session.customer ? store.find('customer', session.customer) : undefined;
  const buyerEmail = email || session.customer_email || existingCustomer?.email || 'buyer@example.com';
  const ensureCustomer = () => {
    if (session.customer) return session.customer as string;
    const customer = createCustomer(store, { email: buyerEmail, name: 'Test Buyer' }, ctx);
    session.customer = customer.id;
    return customer.id as string;
  };
  const lines = store.lineItems.get(id) ?? [];
  if (session.mode === 'subscription') {
    // One-time lines ride on the subscription's first invoice, which pays for everything.
    const customerId = ensureCustomer();
    const recurring = lines.filter((item) => store.find('price', item.price)?.type === 'recurring');
    const subscription = createSubscription(
      store,
      { customer: customerId, items: recurring.map((item) => ({ price: item.price, quantity: String(item.quantity) })) },
      ctx,
      { metadata: extras.subscriptionMetadata, fromCheckout: true },
    );
    const items = subscription.items.data as StripeObject[];
    const invoice = payInvoice(
      store,
      subscription,
      lines.map((line) => {
        const price = store.find('price', line.price)!;
        return { price, quantity: line.quantity, subscriptionItem: items.find((item) => item.price.id === price.id)?.id ?? null };
      }),
      ctx,
    );
    subscription.latest_invoice = invoice.id;
    session.subscription = subscription.id;
    session.invoice = invoice.id;
    session.payment_status = 'paid';
  } else if (session.mode === 'payment') {
    const customerId = extras.customerCreation === 'always' ? ensureCustomer() : ((session.customer as string | null) ?? null);
    const payment = { amount: session.amount_total as number, currency: session.currency as string, customer: customerId, metadata: extras.paymentIntentMetadata };
    const intent = outcome === 'pay' ? capturePayment(store, payment, ctx) : startDelayedPayment(store, payment, ctx);
    session.payment_intent = intent.id;
    session.payment_status = outcome === 'pay' ? 'paid' : 'unpaid';
  } else {
    session.setup_intent = newId.setupIntent();
    session.payment_status = 'no_payment_required';
  }
  session.status = 'complete';
  session.url = null;
  session.customer_details = {
    address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94107', state: null },
    business_name: null,
    email: buyerEmail,
    individual_name: null,
    name: 'Test Buyer',
    phone,
    tax_exempt: 'none',
    tax_ids: [],
  };
  if (shippingDetails) session.collected_information = { business_name: null, individual_name: null, shipping_details: shippingDetails };
  redeemDiscount(store, session);
  store.recordEvent('checkout.session.completed', session, ctx);
  return session;
}

/** A delayed payment's outcome: `checkout.session.async_payment_succeeded` or `…_failed`. */
export function settleDelayedPayment(store: Store, id: string, succeeded: boolean, ctx: RequestContext): StripeObject {
  const session = store.must('checkout.session', id);
  if (session.status !== 'complete' || session.payment_status !== 'unpaid' || !session.payment_intent) throw invalid(`Checkout Session ${id} has no delayed payment to settle.`);
  settlePayment(store, session.payment_intent, succeeded, ctx);
  if (succeeded) session.payment_status = 'paid';
  store.recordEvent(succeeded ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed', session, ctx);
  return session;
}

export function expireSession(store: Store, id: string, ctx: RequestContext): StripeObject {
  const session = store.must('checkout.session', id);
  if (session.status !== 'open') throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`);
  session.status = 'expired';
  session.url = null;
  store.recordEvent('checkout.session.expired', session, ctx);
  return session;
}

export function listSessions(store: Store, params: StripeObject) {
  const filters: [string, string | undefined][] = ['customer', 'payment_intent', 'payment_link', 'subscription', 'status'].map((f) => [f, str(params, f)]);
  return store.list('checkout.session', params, (s) => filters.every(([field, value]) => value === undefined || s[field] === value));
}
