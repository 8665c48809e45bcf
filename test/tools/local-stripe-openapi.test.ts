// The local Stripe against Stripe's OpenAPI spec (tools/stripe-openapi/, a trimmed extract):
// every endpoint it serves answers with fields of the types the spec gives, and refuses a
// parameter the endpoint does not take with Stripe's 400 `parameter_unknown`.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../tools/local-stripe/http/router';
import { startLocalStripe, type LocalStripe } from '../../tools/local-stripe/index';

type Schema = { type?: string; nullable?: boolean; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; $ref?: string };
interface Operation {
  method: string;
  path: string;
  params: string[];
  response: Schema;
}
const spec = JSON.parse(readFileSync(new URL('../../tools/stripe-openapi/stripe-openapi.json', import.meta.url), 'utf8')) as {
  operations: Operation[];
  schemas: Record<string, Schema>;
};

/** Where `value` breaks `schema`'s JSON types (fields the spec does not name are newer than it, and pass). */
export function typeErrors(value: unknown, schema: Schema, path = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1)!;
    const target = spec.schemas[name];
    if (!target) throw new Error(`no schema ${name} in the extract`);
    return typeErrors(value, target, path);
  }
  if (value === null) return schema.nullable ? [] : [`${path}: null, but the spec says it is never null`];
  if (schema.anyOf) {
    const attempts = schema.anyOf.map((branch) => typeErrors(value, branch, path));
    return attempts.some((errors) => errors.length === 0) ? [] : [`${path}: matches none of its anyOf (${attempts.map((e) => e[0]).join(' | ')})`];
  }
  const is = (ok: boolean, what: string) => (ok ? [] : [`${path}: ${JSON.stringify(value)?.slice(0, 60)} is not ${what}`]);
  switch (schema.type) {
    case 'string':
      return is(typeof value === 'string', 'a string');
    case 'integer':
      return is(Number.isInteger(value), 'an integer');
    case 'number':
      return is(typeof value === 'number', 'a number');
    case 'boolean':
      return is(typeof value === 'boolean', 'a boolean');
    case 'array':
      if (!Array.isArray(value)) return is(false, 'an array');
      return value.flatMap((item, index) => (schema.items ? typeErrors(item, schema.items, `${path}[${index}]`) : []));
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return is(false, 'an object');
      const record = value as Record<string, unknown>;
      return Object.entries(schema.properties ?? {}).flatMap(([key, sub]) => (key in record ? typeErrors(record[key], sub, `${path}.${key}`) : []));
    }
    default:
      return [];
  }
}

let stripe: LocalStripe;
const checked = new Map<string, number>();

function encode(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** Calls the local Stripe as stripe-node does and checks the answer against the operation's response schema. */
async function call(method: string, specPath: string, ids: Record<string, string> = {}, params: Record<string, string> = {}): Promise<Record<string, any>> {
  const path = specPath.replace(/\{([a-z_]+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? 'missing'));
  const query = method === 'GET' && Object.keys(params).length ? `?${encode(params)}` : '';
  const response = await fetch(`${stripe.url}${path}${query}`, {
    method,
    headers: { authorization: 'Bearer sk_test_openapi', 'content-type': 'application/x-www-form-urlencoded' },
    body: method === 'GET' ? undefined : encode(params),
  });
  const body = (await response.json()) as Record<string, any>;
  expect(response.status, `${method} ${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
  const operation = spec.operations.find((op) => op.method === method && op.path === specPath);
  if (!operation) throw new Error(`${method} ${specPath} is not in the extract`);
  expect(typeErrors(body, operation.response), `${method} ${specPath}`).toEqual([]);
  checked.set(`${method} ${specPath}`, (checked.get(`${method} ${specPath}`) ?? 0) + 1);
  return body;
}

beforeAll(async () => {
  stripe = await startLocalStripe({ log: false });
});
afterAll(() => stripe.close());

describe('the local Stripe and the OpenAPI spec', () => {
  it('the type check finds a wrong type, a null where none may be, and a bad array item', () => {
    const schema: Schema = { type: 'object', properties: { amount: { type: 'integer' }, name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } } };
    expect(typeErrors({ amount: '12', name: null, tags: ['a', 1] }, schema)).toEqual([
      '$.amount: "12" is not an integer',
      '$.name: null, but the spec says it is never null',
      '$.tags[1]: 1 is not a string',
    ]);
    expect(typeErrors({ amount: 12, name: 'x', tags: [], newer_field: true }, schema)).toEqual([]);
  });

  it('every endpoint it serves answers with the types the spec gives', async () => {
    const product = await call('POST', '/v1/products', {}, { name: 'Book', 'metadata[catalog_id]': 'book', 'default_price_data[currency]': 'usd', 'default_price_data[unit_amount]': '1200' });
    await call('GET', '/v1/products', {}, { limit: '3', 'expand[]': 'data.default_price' });
    await call('GET', '/v1/products/{id}', { id: product.id });
    await call('POST', '/v1/products/{id}', { id: product.id }, { name: 'Book, 2nd edition' });
    const loose = await call('POST', '/v1/products', {}, { name: 'Nothing yet' });
    await call('DELETE', '/v1/products/{id}', { id: loose.id });

    const monthly = await call('POST', '/v1/prices', {}, { product: product.id, currency: 'usd', unit_amount: '500', 'recurring[interval]': 'month' });
    await call('GET', '/v1/prices', {}, { product: product.id });
    await call('GET', '/v1/prices/{price}', { price: monthly.id });
    await call('POST', '/v1/prices/{price}', { price: monthly.id }, { nickname: 'Monthly' });

    const customer = await call('POST', '/v1/customers', {}, { email: 'reader@example.com', name: 'Reader' });
    await call('GET', '/v1/customers', {}, { email: 'reader@example.com' });
    await call('GET', '/v1/customers/{customer}', { customer: customer.id });
    await call('POST', '/v1/customers/{customer}', { customer: customer.id }, { 'metadata[tier]': 'gold' });

    const subscription = await call('POST', '/v1/subscriptions', {}, { customer: customer.id, 'items[0][price]': monthly.id });
    await call('GET', '/v1/subscriptions', {}, { customer: customer.id });
    await call('GET', '/v1/subscriptions/{subscription_exposed_id}', { subscription_exposed_id: subscription.id });
    await call('POST', '/v1/subscriptions/{subscription_exposed_id}', { subscription_exposed_id: subscription.id }, { cancel_at_period_end: 'true' });
    await call('DELETE', '/v1/subscriptions/{subscription_exposed_id}', { subscription_exposed_id: subscription.id });
    await call('POST', '/v1/billing_portal/sessions', {}, { customer: customer.id, return_url: 'http://127.0.0.1:9/account' });

    const link = await call('POST', '/v1/payment_links', {}, { 'line_items[0][price]': product.default_price, 'line_items[0][quantity]': '1', 'metadata[catalog_id]': 'book' });
    await call('GET', '/v1/payment_links', {}, { active: 'true' });
    await call('GET', '/v1/payment_links/{payment_link}', { payment_link: link.id });
    await call('POST', '/v1/payment_links/{payment_link}', { payment_link: link.id }, { 'metadata[shelf]': 'top' });
    await call('GET', '/v1/payment_links/{payment_link}/line_items', { payment_link: link.id });

    const paid = await call('POST', '/v1/checkout/sessions', {}, {
      mode: 'payment',
      'line_items[0][price]': product.default_price,
      'line_items[0][quantity]': '2',
      success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
      client_reference_id: 'buyer_1',
    });
    const subscribed = await call('POST', '/v1/checkout/sessions', {}, {
      mode: 'subscription',
      'line_items[0][price]': monthly.id,
      'line_items[0][quantity]': '1',
      'line_items[1][price]': product.default_price,
      'line_items[1][quantity]': '1',
      success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
    });
    const expiring = await call('POST', '/v1/checkout/sessions', {}, { mode: 'payment', 'line_items[0][price]': product.default_price, 'line_items[0][quantity]': '1' });
    await call('POST', '/v1/checkout/sessions/{session}/expire', { session: expiring.id });
    await call('GET', '/v1/checkout/sessions', {}, { limit: '5' });
    await call('GET', '/v1/checkout/sessions/{session}/line_items', { session: subscribed.id });
    const paidSession = await stripe.completeCheckoutSession(paid.id);
    const subscribedSession = await stripe.completeCheckoutSession(subscribed.id);
    await call('GET', '/v1/checkout/sessions/{session}', { session: paid.id }, { 'expand[]': 'line_items' });
    await call('GET', '/v1/checkout/sessions/{session}', { session: subscribed.id });

    const intent = await call('GET', '/v1/payment_intents/{intent}', { intent: paidSession.payment_intent });
    await call('GET', '/v1/charges/{charge}', { charge: intent.latest_charge });
    const invoice = await call('GET', '/v1/invoices/{invoice}', { invoice: subscribedSession.invoice }, { 'expand[]': 'payments' });
    await call('POST', '/v1/refunds', {}, { payment_intent: intent.id, amount: '500' });
    const invoiceIntent = await call('GET', '/v1/payment_intents/{intent}', { intent: invoice.payments.data[0].payment.payment_intent });
    await call('POST', '/v1/refunds', {}, { charge: invoiceIntent.latest_charge });

    const coupon = await call('POST', '/v1/coupons', {}, { percent_off: '25', duration: 'once', name: 'Launch' });
    await call('GET', '/v1/coupons/{coupon}', { coupon: coupon.id });
    const promotion = await call('POST', '/v1/promotion_codes', {}, { code: 'LAUNCH25', 'promotion[type]': 'coupon', 'promotion[coupon]': coupon.id });
    await call('GET', '/v1/promotion_codes', {}, { code: 'launch25' });
    await call('GET', '/v1/promotion_codes/{promotion_code}', { promotion_code: promotion.id });

    const endpoint = await call('POST', '/v1/webhook_endpoints', {}, { url: 'http://127.0.0.1:9/webhooks/stripe', 'enabled_events[0]': 'product.created', api_version: '2026-10-28.endive' });
    await call('GET', '/v1/webhook_endpoints', {}, { limit: '3' });
    await call('GET', '/v1/webhook_endpoints/{webhook_endpoint}', { webhook_endpoint: endpoint.id });
    await call('POST', '/v1/webhook_endpoints/{webhook_endpoint}', { webhook_endpoint: endpoint.id }, { disabled: 'true' });
    await call('DELETE', '/v1/webhook_endpoints/{webhook_endpoint}', { webhook_endpoint: endpoint.id });

    const rate = await call('POST', '/v1/shipping_rates', {}, {
      display_name: 'Standard', type: 'fixed_amount', 'fixed_amount[amount]': '500', 'fixed_amount[currency]': 'usd',
      'delivery_estimate[minimum][unit]': 'business_day', 'delivery_estimate[minimum][value]': '3',
    });
    await call('GET', '/v1/shipping_rates', {}, { active: 'true' });
    await call('GET', '/v1/shipping_rates/{shipping_rate_token}', { shipping_rate_token: rate.id });
    await call('POST', '/v1/shipping_rates/{shipping_rate_token}', { shipping_rate_token: rate.id }, { 'metadata[kept]': 'yes' });
    const shipped = await call('POST', '/v1/checkout/sessions', {}, {
      mode: 'payment', 'line_items[0][price]': product.default_price, 'line_items[0][quantity]': '1', success_url: 'http://127.0.0.1:9/s',
      'shipping_address_collection[allowed_countries][0]': 'US', 'shipping_options[0][shipping_rate]': rate.id,
      'shipping_options[1][shipping_rate_data][display_name]': 'Express', 'shipping_options[1][shipping_rate_data][type]': 'fixed_amount',
      'shipping_options[1][shipping_rate_data][fixed_amount][amount]': '1500', 'shipping_options[1][shipping_rate_data][fixed_amount][currency]': 'usd',
    });
    await stripe.completeCheckoutSession(shipped.id, { shipping: { name: 'Ada', line1: '1 Lane', city: 'Portsmouth', postal_code: '03801', country: 'US' } });
    await call('GET', '/v1/checkout/sessions/{session}', { session: shipped.id });
    await call('POST', '/v1/payment_links', {}, { 'line_items[0][price]': product.default_price, 'line_items[0][quantity]': '1', 'shipping_options[0][shipping_rate]': rate.id });

    const events = await call('GET', '/v1/events', {}, { limit: '100' });
    for (const event of events.data as { id: string }[]) await call('GET', '/v1/events/{id}', { id: event.id });

    const leaving = await call('POST', '/v1/customers', {}, { email: 'leaving@example.com' });
    await call('DELETE', '/v1/customers/{customer}', { customer: leaving.id });

    const served = ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect([...checked.keys()].sort()).toEqual(served);
  });

  it('refuses a parameter the endpoint does not take, on every endpoint, with 400 parameter_unknown', async () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{[a-z_]+\}/g, 'x_1');
      const body = encode({ not_a_stripe_param: 'x' });
      const response = await fetch(`${stripe.url}${path}${route.method === 'GET' ? `?${body}` : ''}`, {
        method: route.method,
        headers: { authorization: 'Bearer sk_test_openapi', 'content-type': 'application/x-www-form-urlencoded' },
        body: route.method === 'GET' ? undefined : body,
      });
      expect(response.status, `${route.method} ${route.path}`).toBe(400);
      expect(await response.json(), `${route.method} ${route.path}`).toEqual({
        error: { type: 'invalid_request_error', code: 'parameter_unknown', message: 'Received unknown parameter: not_a_stripe_param', param: 'not_a_stripe_param' },
      });
    }
  });

  it('an unknown parameter changes nothing', async () => {
    const before = stripe.all('product').length;
    const response = await fetch(`${stripe.url}/v1/products`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_openapi', 'content-type': 'application/x-www-form-urlencoded' },
      body: encode({ name: 'Typo', descripton: 'misspelt' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('descripton');
    expect(stripe.all('product')).toHaveLength(before);
  });
});
