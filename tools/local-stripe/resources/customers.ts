// Customers: create, retrieve (a deleted one answers `{ id, object, deleted: true }`), update,
// delete (which cancels the customer's subscriptions, as on Stripe), list.
import { noSuch } from '../core/errors';
import { newId, randomAlnum } from '../core/ids';
import { applyMetadata, array, int, nullable, obj, previousAttributes, str } from '../core/params';
import { clone, now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { cancelSubscription } from './subscriptions';

export function createCustomer(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const created = ctx.created ?? now();
  const customer: StripeObject = {
    ...store.fixture('customer'),
    id: newId.customer(),
    object: 'customer',
    address: obj(params, 'address') ?? null,
    balance: int(params, 'balance') ?? 0,
    created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: nullable(str(params, 'description')) ?? null,
    discount: null,
    email: nullable(str(params, 'email')) ?? null,
    invoice_prefix: randomAlnum(8).toUpperCase(),
    livemode: false,
    metadata: applyMetadata({}, params),
    name: nullable(str(params, 'name')) ?? null,
    next_invoice_sequence: 1,
    phone: nullable(str(params, 'phone')) ?? null,
    preferred_locales: (array(params, 'preferred_locales') ?? []).map(String),
    shipping: obj(params, 'shipping') ?? null,
    tax_exempt: str(params, 'tax_exempt') ?? 'none',
    test_clock: null,
  };
  store.put('customer', customer);
  store.recordEvent('customer.created', customer, ctx);
  return customer;
}

export function retrieveCustomer(store: Store, id: string): StripeObject {
  if (store.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true };
  return store.must('customer', id);
}

export function updateCustomer(store: Store, id: string, params: StripeObject, ctx: RequestContext): StripeObject {
  if (store.deletedCustomers.has(id)) throw noSuch('customer', id);
  const customer = store.must('customer', id);
  const before = clone(customer);
  for (const field of ['email', 'name', 'description', 'phone']) {
    const value = str(params, field);
    if (value !== undefined) customer[field] = nullable(value);
  }
  for (const field of ['address', 'shipping']) {
    if (params[field] === '') customer[field] = null;
    else if (params[field] !== undefined) customer[field] = obj(params, field);
  }
  const preferredLocales = array(params, 'preferred_locales');
  if (preferredLocales) customer.preferred_locales = preferredLocales.map(String);
  customer.metadata = applyMetadata(customer.metadata ?? {}, params);
  const previous = previousAttributes(before, customer);
  if (Object.keys(previous).length) store.recordEvent('customer.updated', customer, ctx, previous);
  return customer;
}

export function deleteCustomer(store: Store, id: string, ctx: RequestContext): StripeObject {
  const customer = store.must('customer', id);
  for (const subscription of store.map('subscription').values()) {
    if (subscription.customer === id && subscription.status !== 'canceled') cancelSubscription(store, subscription.id, {}, ctx);
  }
  store.map('customer').delete(id);
  store.deletedCustomers.add(id);
  store.recordEvent('customer.deleted', customer, ctx);
  return { id, object: 'customer', deleted: true };
}

export function listCustomers(store: Store, params: StripeObject) {
  const email = str(params, 'email');
  return store.list('customer', params, (c) => email === undefined || c.email === email);
}
