// The lines of Checkout Sessions and Payment Links: validated on create, shown as Stripe's
// `item` objects (GET …/line_items, or `expand[]=line_items`).
import { invalid, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { int, obj, str } from '../core/params';
import { clone, type LineItemRecord, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { createPrice } from './prices';

/** Validates `line_items[i][price|price_data|quantity]` and returns the internal items with their prices. */
export function resolveLineItems(store: Store, raw: unknown[] | undefined, ctx: RequestContext): { items: LineItemRecord[]; prices: StripeObject[] } {
  const items: LineItemRecord[] = [];
  const prices: StripeObject[] = [];
  (raw ?? []).forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null) throw invalid('Invalid object', `line_items[${index}]`);
    const item = entry as StripeObject;
    const param = (name: string) => `line_items[${index}][${name}]`;
    let price: StripeObject;
    const priceId = str(item, 'price', param('price'));
    const priceData = obj(item, 'price_data', param('price_data'));
    if (priceId) {
      const found = store.find('price', priceId);
      if (!found) throw noSuch('price', priceId, param('price'), 400);
      if (!found.active) throw invalid('The price specified is inactive. This field only accepts active prices.', param('price'));
      const product = store.find('product', found.product);
      if (product && !product.active) throw invalid(`The price specified is for a product that is not active (\`${product.id}\`).`, param('price'));
      price = found;
    } else if (priceData) {
      price = createPrice(store, { ...priceData, active: 'false' }, { ...ctx }, param('price_data'));
    } else {
      throw invalid(`You must specify either \`price\` or \`price_data\` in \`line_items[${index}]\`.`, param('price'));
    }
    const quantity = int(item, 'quantity', param('quantity'));
    if (quantity === undefined) throw invalid(`Quantity is required. Add \`quantity\` to \`line_items[${index}]\``, param('quantity'), 'parameter_missing');
    if (quantity < 1) throw invalid('This value must be greater than or equal to 1.', param('quantity'), 'parameter_invalid_integer');
    items.push({ id: newId.lineItem(), price: price.id, quantity });
    prices.push(price);
  });
  const currencies = new Set(prices.map((p) => p.currency));
  if (currencies.size > 1) throw invalid(`All prices on a Checkout Session must have the same currency. You passed: ${[...currencies].join(', ')}.`, 'line_items');
  return { items, prices };
}

export function lineItemObject(store: Store, item: LineItemRecord): StripeObject {
  const price = store.find('price', item.price)!;
  const product = store.find('product', price.product);
  const amount = (price.unit_amount ?? 0) * item.quantity;
  return {
    id: item.id,
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: product?.name ?? price.nickname ?? null,
    discounts: [],
    metadata: {},
    price: clone(price),
    quantity: item.quantity,
    taxes: [],
  };
}

export function lineItemList(store: Store, ownerId: string, kind: 'checkout.session' | 'payment_link', params: StripeObject) {
  const items = (store.lineItems.get(ownerId) ?? []).map((i) => lineItemObject(store, i));
  const url = kind === 'checkout.session' ? `/v1/checkout/sessions/${ownerId}/line_items` : `/v1/payment_links/${ownerId}/line_items`;
  return store.paginate(items, () => true, params, url, null);
}

export function listLineItems(store: Store, ownerId: string, kind: 'checkout.session' | 'payment_link', params: StripeObject) {
  store.must(kind, ownerId);
  return lineItemList(store, ownerId, kind, params);
}
