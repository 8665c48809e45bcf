// A product as Stripe makes it, and its `product.created`: shared by POST /v1/products and a
// price's `product_data`.
import { invalid } from '../core/errors';
import { newId } from '../core/ids';
import { applyMetadata, array, bool, checkUrl, nullable, requiredStr, str } from '../core/params';
import { now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';

export function insertProduct(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const name = requiredStr(params, 'name');
  const id = str(params, 'id');
  if (id !== undefined && store.find('product', id)) throw invalid('Product already exists.', 'id', 'resource_already_exists');
  const created = ctx.created ?? now();
  const product: StripeObject = {
    ...store.fixture('product'),
    id: id || newId.product(),
    object: 'product',
    active: bool(params, 'active') ?? true,
    created,
    updated: created,
    default_price: null,
    description: nullable(str(params, 'description')) ?? null,
    images: (array(params, 'images') ?? []).map(String),
    livemode: false,
    marketing_features: [],
    metadata: applyMetadata({}, params),
    name,
    package_dimensions: null,
    shippable: bool(params, 'shippable') ?? null,
    statement_descriptor: nullable(str(params, 'statement_descriptor')) ?? null,
    tax_code: nullable(str(params, 'tax_code')) ?? null,
    type: 'service',
    unit_label: nullable(str(params, 'unit_label')) ?? null,
    url: nullable(checkUrl(str(params, 'url'), 'url')) ?? null,
  };
  store.put('product', product);
  store.recordEvent('product.created', product, ctx);
  return product;
}
