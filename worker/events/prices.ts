import { priceRow } from '../mirror/resources';
import { mirrorHandler, type Retrieve } from '../mirror/sync';
import type { HandlerMap } from './handler';

const retrieve: Retrieve<Parameters<typeof priceRow>[0]> = (stripe, id) => stripe.prices.retrieve(id);

export const priceHandlers: HandlerMap = {
  'price.created': mirrorHandler('stripe_prices', priceRow, retrieve),
  'price.updated': mirrorHandler('stripe_prices', priceRow, retrieve),
  'price.deleted': mirrorHandler('stripe_prices', priceRow, retrieve, { deletes: true }),
};
