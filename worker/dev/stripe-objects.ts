// Checkout Sessions and events shaped like the ones Stripe sends for a Payment
// Link purchase (compare `resources["checkout.session"]` in Stripe's fixtures3.json;
// a test holds this shape to it). Development only: the local checkout stand-in.
import type { Product } from '../../catalog';
import { randomId } from '../platform/ids';

export interface SessionInput {
  product: Product;
  clientReferenceId: string | null;
  email: string | null;
  origin: string;
  createdSeconds: number;
}

export type SessionState = Pick<CheckoutSessionObject, 'status' | 'payment_status'>;

export type CheckoutSessionObject = ReturnType<typeof checkoutSession>;

export function checkoutSession(input: SessionInput, state: { status: 'open' | 'complete' | 'expired'; payment_status: 'paid' | 'unpaid' }) {
  const id = `cs_test_${randomId(58)}`;
  const { amount, currency } = input.product.price;
  return {
    id,
    object: 'checkout.session' as const,
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: false,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, status: null, provider: null },
    billing_address_collection: 'auto',
    cancel_url: null,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: { shipping_details: null },
    consent: null,
    consent_collection: null,
    created: input.createdSeconds,
    currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_creation: 'if_required',
    customer_details: {
      address: null,
      email: input.email ?? 'shopper@example.com',
      name: 'Local Test Shopper',
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: input.email,
    discounts: [],
    expires_at: input.createdSeconds + 24 * 60 * 60,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: 'auto',
    metadata: { product_id: input.product.id },
    mode: 'payment' as const,
    payment_intent: `pi_${randomId(24)}`,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: state.payment_status,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: state.status,
    submit_type: 'auto',
    subscription: null,
    success_url: `${input.origin}/success?session_id={CHECKOUT_SESSION_ID}`,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: null,
  };
}

export function stripeEvent(type: string, object: object, createdSeconds: number) {
  return {
    id: `evt_${randomId(24)}`,
    object: 'event' as const,
    api_version: '2025-09-30.clover',
    created: createdSeconds,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}
