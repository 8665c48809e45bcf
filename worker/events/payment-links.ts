import { paymentLinkRow } from '../mirror/resources';
import { mirrorHandler, type Retrieve } from '../mirror/sync';
import type { HandlerMap } from './handler';

const retrieve: Retrieve<Parameters<typeof paymentLinkRow>[0]> = (stripe, id) => stripe.paymentLinks.retrieve(id);

// Payment Links are deactivated, never deleted.
export const paymentLinkHandlers: HandlerMap = {
  'payment_link.created': mirrorHandler('stripe_payment_links', paymentLinkRow, retrieve),
  'payment_link.updated': mirrorHandler('stripe_payment_links', paymentLinkRow, retrieve),
};
