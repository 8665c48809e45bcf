// Which message an email row sends, filled from what was committed: the order with its lines and
// licence keys (read in the outbox's one batch), the shop's name and support address from the catalog.
import { catalog } from '../../catalog';
import { formatMoney } from '../../catalog/money';
import { servesAccess } from '../../contract/order-states';
import type { LicenceKeyView, ShippingAddressView } from '../../contract/api';
import { LIBRARY_PATH } from '../../contract/limits';
import { HAS_RECEIPT } from '../../contract/order-states';
import type { Order, LineItem } from '../store/orders';
import type { EmailPayload } from '../store/outbox';
import type { EmailMessage } from './provider';
import type { EmailSettings } from './settings';
import { accessEnded, type AccessEndedReason } from './templates/access-ended';
import { fileUpdated } from './templates/file-updated';
import type { Shop } from './templates/layout';
import { paymentFailed, paymentPending } from './templates/payment-status';
import { receipt } from './templates/receipt';
import { renewal } from './templates/renewal';
import type { RenewalPeriod } from '../store/subscription-periods';

/** The buyer's order page: the success page's URL, whose session id is the buyer's capability (docs/security.md). */
export const orderUrl = (siteUrl: string, orderId: string) => `${siteUrl}/success?session_id=${encodeURIComponent(orderId)}`;

export function shopOf(settings: EmailSettings): Shop {
  const named = /<([^<>]+)>/.exec(settings.from);
  return { name: catalog.shopName, supportEmail: catalog.supportEmail ?? (named ? named[1]!.trim() : settings.from) };
}

export interface OrderEmailInput {
  order: Order;
  lineItems: LineItem[];
  licenceKeys: LicenceKeyView[];
  hasDownloads: boolean;
  /** The catalog keys of the files the order serves now (a file's notice is owed only while it does). */
  servedFileKeys: string[];
  /** Where the goods go, for a receipt of an order that ships (null otherwise). */
  shipTo?: ShippingAddressView | null;
  /** For a renewal email: the period it is about, when recorded as paid. */
  renewal?: RenewalPeriod | null;
}


/** An order of goods to ship: its receipt says where they go. */
export const shipsGoods = (status: string) => status === 'awaiting_shipment' || status === 'shipped' || status === 'delivered';

/**
 * The message an order's email row sends now, or null when it is no longer owed (a receipt
 * for an order refunded before it went out). Throws when the order has no address.
 */
export function orderEmail(payload: Extract<EmailPayload, { order: string }>, input: OrderEmailInput, settings: EmailSettings): EmailMessage | null {
  const { order, lineItems } = input;
  if (!order.customerEmail) throw new Error(`order ${order.id} has no email address`);
  const shop = shopOf(settings);
  const money = (amount: number | null, currency: string | null) => (amount !== null && currency ? formatMoney(amount, currency, 'en') : null);
  const items = lineItems.map((line) => line.description ?? 'Item');
  const url = orderUrl(settings.siteUrl, order.id);
  const to = order.customerEmail;
  switch (payload.template) {
    case 'receipt': {
      // A receipt may go out after the seller shipped; not once the money went back.
      if (!(HAS_RECEIPT as readonly string[]).includes(order.status)) return null;
      return {
        to,
        ...receipt({
          shop,
          orderId: order.id,
          lines: lineItems.map((line) => ({ description: line.description ?? 'Item', quantity: line.quantity, amount: money(line.amountTotal, line.currency ?? order.currency) })),
          discount: order.amountDiscount ? money(order.amountDiscount, order.currency) : null,
          shipping: order.amountShipping !== null ? money(order.amountShipping, order.currency) : null,
          shipTo: shipsGoods(order.status) && input.shipTo ? addressLines(input.shipTo) : null,
          total: money(order.amountTotal, order.currency),
          licenceKeys: input.licenceKeys.map(({ product, key }) => ({ product: product.name, key })),
          hasDownloads: input.hasDownloads,
          orderUrl: url,
          libraryUrl: `${settings.siteUrl}${LIBRARY_PATH}`,
        }),
      };
    }
    case 'payment_pending':
      if (order.status !== 'pending') return null;
      return { to, ...paymentPending({ shop, orderId: order.id, items, total: money(order.amountTotal, order.currency), orderUrl: url }) };
    case 'payment_failed':
      return { to, ...paymentFailed({ shop, orderId: order.id, items, total: money(order.amountTotal, order.currency), orderUrl: url }) };
    case 'file_updated': {
      if (!input.servedFileKeys.includes(payload.file)) return null;
      const named = catalog.products.flatMap((product) => [...(product.files ?? []), ...(product.periodFiles ?? [])].map((file) => ({ product, file }))).find(({ file }) => file.key === payload.file);
      if (!named) return null;
      return { to, ...fileUpdated({ shop, orderId: order.id, fileName: named.file.name, productName: named.product.name, note: payload.note, orderUrl: url }) };
    }
    case 'renewal': {
      // Owed only while the order serves access and the period is recorded paid.
      if (!servesAccess(order.status) || !input.renewal) return null;
      const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) : null);
      const [start, end] = [day(input.renewal.start), day(input.renewal.end)];
      return {
        to,
        ...renewal({
          shop,
          orderId: order.id,
          items,
          periodNumber: input.renewal.number,
          period: start && end ? `${start} – ${end}` : null,
          amount: money(input.renewal.amountPaid, input.renewal.currency ?? order.currency),
          hasDownloads: input.hasDownloads,
          orderUrl: url,
        }),
      };
    }
    case 'access_ended': {
      const reason: AccessEndedReason = order.status === 'refunded' || order.status === 'disputed' ? order.status : 'subscription_ended';
      return { to, ...accessEnded({ shop, orderId: order.id, items, reason, orderUrl: url }) };
    }
  }
}

/** An address as lines: name, street, city with state and postal code, country. */
function addressLines(address: ShippingAddressView): string[] {
  const cityLine = [address.city, address.state, address.postalCode].filter(Boolean).join(' ');
  return [address.name, address.line1, address.line2, cityLine, address.country].filter((line): line is string => Boolean(line));
}
