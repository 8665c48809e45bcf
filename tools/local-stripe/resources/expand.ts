// `expand[]`: replaces ids in a response with the objects they name (`customer`,
// `data.default_price`, …), and gives sessions and links their `line_items`.
import { invalid } from '../core/errors';
import { kindOfId } from '../core/ids';
import { invoicePaymentList } from './invoices';
import { lineItemList } from './line-items';
import type { Store } from '../core/store';
import type { StripeObject } from '../core/types';

function expandList(params: StripeObject): string[] {
  const expand = params.expand;
  if (expand === undefined || expand === '') return [];
  const list = Array.isArray(expand) ? expand : typeof expand === 'object' ? Object.values(expand) : [expand];
  if (!list.every((e) => typeof e === 'string')) throw invalid('Invalid array', 'expand');
  return list as string[];
}

/** Applies the request's `expand[]` paths to a response (which must be a copy). */
export function expand<T>(store: Store, response: T, params: StripeObject): T {
  for (const path of expandList(params)) expandPath(store, response as StripeObject, path.split('.'), path);
  return response;
}

function expandPath(store: Store, target: StripeObject, parts: string[], full: string): void {
  if (target === null || typeof target !== 'object') return;
  const [head, ...rest] = parts;
  if (!head) return;
  if (target.object === 'list' && head === 'data') {
    for (const item of target.data as StripeObject[]) expandPath(store, item, rest, full);
    return;
  }
  if (head === 'line_items' && (target.object === 'checkout.session' || target.object === 'payment_link')) {
    if (!target.line_items) target.line_items = lineItemList(store, target.id, target.object === 'checkout.session' ? 'checkout.session' : 'payment_link', {});
    if (rest.length) expandPath(store, target.line_items, rest, full);
    return;
  }
  if (head === 'payments' && target.object === 'invoice') {
    target.payments = invoicePaymentList(store, target.id);
    if (rest.length) expandPath(store, target.payments, rest, full);
    return;
  }
  if (!(head in target)) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
  let value = target[head];
  if (typeof value === 'string') {
    const kind = kindOfId(value);
    const found = kind ? store.get(value) : undefined;
    if (!kind) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
    if (found) target[head] = value = found;
  }
  if (rest.length && value && typeof value === 'object') expandPath(store, value, rest, full);
}
