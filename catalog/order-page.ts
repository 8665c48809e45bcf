// The words of the buyer's order page (/success), written once: the worker renders the page
// from the server's state with them, and the site's script re-renders with them as it polls.
import type { FileUpdate, OrderResponse, SubscriptionAccessView } from '../contract/api';
import { findProduct } from './index';
import { formatMoney } from './money';

export const ORDER_PAGE_TEXT = {
  waiting: 'Confirming your payment…',
  fulfilled: 'Paid and fulfilled — thank you!',
  partiallyRefunded: 'Paid and fulfilled — part of your payment was refunded.',
  /** A paid order of goods, by its shipping state. */
  shipping: {
    awaiting_shipment: 'Paid — awaiting shipment',
    shipped: 'Shipped — your order is on its way',
    delivered: 'Delivered — thank you!',
  } as Record<string, string>,
  shipmentHeading: 'Shipping',
  shipmentPending: 'The tracking number appears here once the seller ships your order.',
  paymentFailed: 'Your payment did not go through. You have not been charged.',
  expired: 'This checkout expired before payment.',
  /** A status that can still change, by its name. */
  inProgress: {
    pending: 'Payment processing — your bank is confirming the payment. This page updates by itself.',
    paid: 'Payment received — preparing your order…',
  } as Record<string, string>,
  /** The shop has no record of the session yet and cannot ask Stripe: its webhook may still come. */
  awaitingWebhook: 'The shop has not heard from Stripe about this payment yet. This page checks again by itself.',
  unavailable: 'The shop could not check your order just now. This page tries again by itself.',
  notFound: 'We could not find this order.',
  notFoundDetail: 'Check that the link is the one you were sent. If you completed a payment, your receipt email has the details.',
  unknownReference: 'We could not find your order reference.',
  unknownReferenceDetail: 'If you completed a payment, your receipt email has the details.',
  linksHint: 'Each link works for a limited time: come back to this page whenever you need fresh ones.',
} as const;

/** The headline of a settled status this page has no words of its own for (refunded, disputed, …). */
export const otherStatusText = (status: string) => `Order status: ${status.replaceAll('_', ' ')}`;

/** `3.1 KB`, `50.0 MB`: a file's size on its Download button. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Under a file replaced by a newer version: `Updated 2026-12-06: fixed page 3` (the day in UTC); null for the first version. */
export function fileUpdateText(update: FileUpdate | null | undefined): string | null {
  if (!update) return null;
  return `Updated ${update.publishedAt.slice(0, 10)}: ${update.note}`;
}

/**
 * What the page says about a subscription's access: why its downloads and keys stopped, or until
 * when an overdue one keeps them; null when there is nothing to say. `formatDate`: an ISO time as the buyer reads it.
 */
export function subscriptionNotice(access: SubscriptionAccessView | null, formatDate: (iso: string) => string): string | null {
  if (!access) return null;
  if (!access.allowed && access.reason) return `${access.reason.charAt(0).toUpperCase()}${access.reason.slice(1)}.`;
  if (access.graceEndsAt) {
    return `Your subscription's last payment did not go through: its downloads and licence keys work until ${formatDate(access.graceEndsAt)} unless it is paid.`;
  }
  return null;
}

/**
 * One text per line of the order, as the buyer reads it: `2 × Trail Map Print — $48.00`. A cart
 * order is named by every line, never by its first; an order stored without lines by its product.
 */
export function orderLineTexts(order: Pick<OrderResponse, 'lineItems' | 'product'>): string[] {
  if (order.lineItems.length === 0) return order.product ? [order.product.name] : [];
  return order.lineItems.map((line) => {
    const name = line.description ?? (line.product ? findProduct(line.product)?.name : undefined) ?? 'Item';
    const amount = line.amountTotal !== null && line.currency ? moneyOrNull(line.amountTotal, line.currency) : null;
    return `${line.quantity > 1 ? `${line.quantity} × ` : ''}${name}${amount ? ` — ${amount}` : ''}`;
  });
}

function moneyOrNull(amount: number, currency: string): string | null {
  try {
    return formatMoney(amount, currency);
  } catch {
    return null; // unknown currency code
  }
}
