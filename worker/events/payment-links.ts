import { paymentLinkRow } from '../mirror/rows';
import { mirrorHandler } from './mirror';
import type { HandlerMap } from './registry';

// Payment Links are deactivated, never deleted.
export const paymentLinkHandlers: HandlerMap = {
  'payment_link.created': mirrorHandler('stripe_payment_links', paymentLinkRow),
  'payment_link.updated': mirrorHandler('stripe_payment_links', paymentLinkRow),
};
