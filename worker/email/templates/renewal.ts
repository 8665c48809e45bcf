// A subscription's renewal: the period just paid, what it cost, and where its files are (the
// order page serves this period's file with the earlier ones).
import { html, link, page, textFooter, type Rendered, type Shop } from './layout';

export interface RenewalData {
  shop: Shop;
  orderId: string;
  items: string[];
  /** 2 is the first renewal. */
  periodNumber: number;
  /** The period's dates as the buyer reads them, e.g. "7 January 2027 – 7 February 2027"; null if unknown. */
  period: string | null;
  amount: string | null;
  hasDownloads: boolean;
  orderUrl: string;
}

export function renewal(data: RenewalData): Rendered {
  const subject = `Your subscription at ${data.shop.name}: renewed`;
  const what = `Your subscription (${data.items.join(', ')}) renewed for period ${data.periodNumber}${data.period ? ` (${data.period})` : ''}${data.amount ? `; ${data.amount} was charged` : ''}.`;
  const files = data.hasDownloads ? "This period's files are ready on your order page, with the earlier ones." : 'Your order page shows what your subscription includes.';
  const text = `${what}\n${files}\n\nYour order: ${data.orderUrl}\nOrder ${data.orderId}\n`;
  const body = `<h1 style="font-size:1.3em">Subscription renewed</h1>\n<p>${html(what)}</p>\n<p>${html(files)}</p>\n<p>${link(data.orderUrl, 'Your order')}</p>\n<p style="color:#555;font-size:0.9em">Order ${html(data.orderId)}</p>`;
  return { subject, text: text + textFooter(data.shop), html: page(data.shop, subject, body) };
}
