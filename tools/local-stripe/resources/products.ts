// Products: POST/GET/DELETE /v1/products[/:id], and the list.
import { invalid } from '../core/errors';
import { applyMetadata, array, bool, checkUrl, nullable, obj, previousAttributes, str } from '../core/params';
import { clone, now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { createPrice } from './prices';
import { insertProduct } from './product-record';

/** A product, and with `default_price_data` its default price (`product.created`, `price.created`). */
export function createProduct(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const product = insertProduct(store, params, ctx);
  const defaultPriceData = obj(params, 'default_price_data');
  if (defaultPriceData) {
    const price = createPrice(store, { ...defaultPriceData, product: product.id }, ctx, 'default_price_data');
    product.default_price = price.id;
  }
  return product;
}

export function updateProduct(store: Store, id: string, params: StripeObject, ctx: RequestContext): StripeObject {
  const product = store.must('product', id);
  const before = clone(product);
  const name = str(params, 'name');
  if (name === '') throw invalid('You passed an empty string for \'name\'. We assume empty values are an attempt to unset a parameter; however \'name\' cannot be unset. You should remove \'name\' from your request or supply a non-empty value.', 'name', 'parameter_invalid_empty');
  if (name !== undefined) product.name = name;
  const description = str(params, 'description');
  if (description !== undefined) product.description = nullable(description);
  const active = bool(params, 'active');
  if (active !== undefined) product.active = active;
  const images = params.images === '' ? [] : array(params, 'images');
  if (images !== undefined) product.images = images.map(String);
  const url = str(params, 'url');
  if (url !== undefined) product.url = nullable(checkUrl(url || undefined, 'url') ?? '');
  const shippable = bool(params, 'shippable');
  if (shippable !== undefined) product.shippable = shippable;
  for (const field of ['statement_descriptor', 'tax_code', 'unit_label']) {
    const value = str(params, field);
    if (value !== undefined) product[field] = nullable(value);
  }
  const defaultPrice = str(params, 'default_price');
  if (defaultPrice !== undefined) {
    if (defaultPrice === '') product.default_price = null;
    else {
      const price = store.must('price', defaultPrice, 'default_price', 400);
      if (price.product !== product.id) throw invalid(`The price \`${defaultPrice}\` does not belong to product \`${product.id}\`.`, 'default_price');
      if (!price.active) throw invalid('The default price must be active.', 'default_price');
      product.default_price = defaultPrice;
    }
  }
  product.metadata = applyMetadata(product.metadata ?? {}, params);
  const previous = previousAttributes(before, product, ['updated']);
  if (Object.keys(previous).length) {
    product.updated = Math.max(now(), product.created);
    store.recordEvent('product.updated', product, ctx, { ...previous, updated: before.updated });
  }
  return product;
}

export function deleteProduct(store: Store, id: string, ctx: RequestContext): StripeObject {
  const product = store.must('product', id);
  if ([...store.map('price').values()].some((p) => p.product === id)) {
    throw invalid('This product cannot be deleted because it has one or more user-created prices.');
  }
  store.map('product').delete(id);
  store.recordEvent('product.deleted', product, ctx);
  return { id, object: 'product', deleted: true };
}

export function listProducts(store: Store, params: StripeObject) {
  const active = bool(params, 'active');
  const ids = array(params, 'ids');
  const shippable = bool(params, 'shippable');
  const url = str(params, 'url');
  return store.list('product', params, (p) =>
    (active === undefined || p.active === active) && (!ids || ids.includes(p.id)) && (shippable === undefined || p.shippable === shippable) && (url === undefined || p.url === url),
  );
}

