import { priceRow } from '../mirror/rows';
import { mirrorHandler } from './mirror';
import type { HandlerMap } from './registry';

export const priceHandlers: HandlerMap = {
  'price.created': mirrorHandler('stripe_prices', priceRow),
  'price.updated': mirrorHandler('stripe_prices', priceRow),
  'price.deleted': mirrorHandler('stripe_prices', priceRow, { deletes: true }),
};
