// The notice that an order's files and licence keys are no longer served: refunded, disputed,
// or its subscription ended.
import { html, link, page, textFooter, type Rendered, type Shop } from './layout';

export type AccessEndedReason = 'refunded' | 'disputed' | 'subscription_ended';

export interface AccessEndedData {
  shop: Shop;
  orderId: string;
  items: string[];
  reason: AccessEndedReason;
  orderUrl: string;
}

const WHY: Record<AccessEndedReason, string> = {
  refunded: 'it was refunded',
  disputed: 'its payment is disputed',
  subscription_ended: 'its subscription ended',
};

export function accessEnded(data: AccessEndedData): Rendered {
  const subject = `Your order at ${data.shop.name}: access ended`;
  const said = `The downloads and licence keys of your order (${data.items.join(', ')}) are no longer available because ${WHY[data.reason]}.`;
  const text = `${said}\n\nYour order: ${data.orderUrl}\nOrder ${data.orderId}\n`;
  const body = `<h1 style="font-size:1.3em">Access ended</h1>\n<p>${html(said)}</p>\n<p>${link(data.orderUrl, 'Your order')}</p>\n<p style="color:#555;font-size:0.9em">Order ${html(data.orderId)}</p>`;
  return { subject, text: text + textFooter(data.shop), html: page(data.shop, subject, body) };
}
