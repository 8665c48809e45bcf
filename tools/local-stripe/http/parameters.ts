// Which top-level parameters each endpoint takes: Stripe answers any other with 400
// `parameter_unknown`, and so does the local Stripe. The names come from Stripe's OpenAPI spec
// (tools/stripe-openapi/, API 2023-08-16), plus the ones added since, as the `stripe` package's
// (23.x) parameter types declare them.
import { readFileSync } from 'node:fs';
import { invalid } from '../core/errors';
import type { StripeObject } from '../core/types';

interface SpecOperation {
  method: string;
  path: string;
  params: string[];
}

const SPEC_PATH = new URL('../../stripe-openapi/stripe-openapi.json', import.meta.url);

/** Parameters newer than the vendored spec, by operation (from stripe 23.x's `…CreateParams` etc.). */
const ADDED_SINCE_SPEC: Record<string, string[]> = {
  'POST /v1/checkout/sessions': [
    'adaptive_pricing', 'allowed_payment_method_types', 'branding_settings', 'customer_account', 'excluded_payment_method_types',
    'integration_identifier', 'managed_payments', 'name_collection', 'optional_items', 'origin_context', 'payment_method_configuration',
    'payment_method_data', 'permissions', 'redirect_on_completion', 'return_url', 'saved_payment_method_options', 'ui_mode', 'wallet_options',
  ],
  'GET /v1/checkout/sessions': ['created', 'customer_account', 'status'],
  'POST /v1/products': ['marketing_features', 'tax_details', 'type'],
  'POST /v1/products/{id}': ['marketing_features', 'tax_details'],
  'GET /v1/products': ['type'],
  'POST /v1/payment_links': ['inactive_message', 'managed_payments', 'name_collection', 'optional_items', 'payment_method_options', 'restrictions'],
  'POST /v1/payment_links/{payment_link}': [
    'application_fee_amount', 'application_fee_percent', 'consent_collection', 'inactive_message', 'name_collection', 'on_behalf_of',
    'optional_items', 'payment_intent_data', 'payment_method_options', 'phone_number_collection', 'restrictions', 'shipping_options',
    'submit_type', 'subscription_data', 'tax_id_collection', 'transfer_data',
  ],
  'POST /v1/subscriptions': ['billing_cycle_anchor_config', 'billing_mode', 'billing_schedules', 'customer_account', 'discounts', 'invoice_settings'],
  'POST /v1/subscriptions/{subscription_exposed_id}': ['billing_schedules', 'discounts', 'invoice_settings'],
  'GET /v1/subscriptions': ['customer_account', 'plan'],
  'POST /v1/billing_portal/sessions': ['after_expiration', 'customer_account'],
  'POST /v1/customers': ['business_name', 'individual_name', 'validate'],
  // API 2026-10-28 names the coupon under `promotion` (`promotion[type]=coupon`, `promotion[coupon]`).
  'POST /v1/promotion_codes': ['promotion'],
};

function load(): Map<string, Set<string>> {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { operations: SpecOperation[] };
  return new Map(spec.operations.map((op) => {
    const key = `${op.method} ${op.path}`;
    return [key, new Set([...op.params, ...(ADDED_SINCE_SPEC[key] ?? [])])];
  }));
}

let accepted: Map<string, Set<string>> | undefined;

/** Throws Stripe's 400 for the first parameter the endpoint does not take. */
export function rejectUnknownParameters(method: string, path: string, params: StripeObject): void {
  accepted ??= load();
  const known = accepted.get(`${method} ${path}`);
  if (!known) throw new Error(`no OpenAPI operation ${method} ${path} in tools/stripe-openapi/stripe-openapi.json`);
  for (const name of Object.keys(params)) {
    if (!known.has(name)) throw invalid(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
  }
}
