import { customerRow } from '../mirror/resources';
import { mirrorHandler, type Retrieve } from '../mirror/sync';
import type { HandlerMap } from './handler';

const retrieve: Retrieve<Parameters<typeof customerRow>[0]> = (stripe, id) => stripe.customers.retrieve(id);

export const customerHandlers: HandlerMap = {
  'customer.created': mirrorHandler('stripe_customers', customerRow, retrieve),
  'customer.updated': mirrorHandler('stripe_customers', customerRow, retrieve),
  'customer.deleted': mirrorHandler('stripe_customers', customerRow, retrieve, { deletes: true }),
};
