import { productRow } from '../mirror/resources';
import { mirrorHandler, type Retrieve } from '../mirror/sync';
import type { HandlerMap } from './handler';

const retrieve: Retrieve<Parameters<typeof productRow>[0]> = (stripe, id) => stripe.products.retrieve(id);

export const productHandlers: HandlerMap = {
  'product.created': mirrorHandler('stripe_products', productRow, retrieve),
  'product.updated': mirrorHandler('stripe_products', productRow, retrieve),
  'product.deleted': mirrorHandler('stripe_products', productRow, retrieve, { deletes: true }),
};
