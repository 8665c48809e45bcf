import { customerRow } from '../mirror/rows';
import { mirrorHandler } from './mirror';
import type { HandlerMap } from './registry';

export const customerHandlers: HandlerMap = {
  'customer.created': mirrorHandler('stripe_customers', customerRow),
  'customer.updated': mirrorHandler('stripe_customers', customerRow),
  'customer.deleted': mirrorHandler('stripe_customers', customerRow, { deletes: true }),
};
