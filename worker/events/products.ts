import { productRow } from '../mirror/rows';
import { mirrorHandler } from './mirror';
import type { HandlerMap } from './registry';

export const productHandlers: HandlerMap = {
  'product.created': mirrorHandler('stripe_products', productRow),
  'product.updated': mirrorHandler('stripe_products', productRow),
  'product.deleted': mirrorHandler('stripe_products', productRow, { deletes: true }),
};
