// A delayed payment method (a bank debit, a voucher): the note that it is on its way, and the
// one that it failed. The order page says the same, live.
import { html, link, page, textFooter, type Rendered, type Shop } from './layout';

export interface PaymentStatusData {
  shop: Shop;
  orderId: string;
  items: string[];
  total: string | null;
  orderUrl: string;
}

export function paymentPending(data: PaymentStatusData): Rendered {
  const subject = `Your order at ${data.shop.name}: payment on its way`;
  const said = `Thank you for your order (${data.items.join(', ')}${data.total ? `, ${data.total}` : ''}). Your payment method takes a few days to confirm the payment; we will email you again as soon as it is confirmed.`;
  return message(data, subject, said);
}

export function paymentFailed(data: PaymentStatusData): Rendered {
  const subject = `Your order at ${data.shop.name}: the payment failed`;
  const said = `The payment for your order (${data.items.join(', ')}${data.total ? `, ${data.total}` : ''}) did not go through, so nothing was charged and the order is not fulfilled. You are welcome to buy again with another payment method.`;
  return message(data, subject, said);
}

function message(data: PaymentStatusData, subject: string, said: string): Rendered {
  const text = `${said}\n\nYour order: ${data.orderUrl}\nOrder ${data.orderId}\n`;
  const body = `<h1 style="font-size:1.3em">${html(subject)}</h1>\n<p>${html(said)}</p>\n<p>${link(data.orderUrl, 'Your order')}</p>\n<p style="color:#555;font-size:0.9em">Order ${html(data.orderId)}</p>`;
  return { subject, text: text + textFooter(data.shop), html: page(data.shop, subject, body) };
}
