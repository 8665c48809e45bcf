// The notice to a past buyer that a file they bought has a new version, with what changed.
import { html, link, page, textFooter, type Rendered, type Shop } from './layout';

export interface FileUpdatedData {
  shop: Shop;
  orderId: string;
  /** The file's name as its Download button says it, and the product it belongs to. */
  fileName: string;
  productName: string;
  note: string;
  orderUrl: string;
}

export function fileUpdated(data: FileUpdatedData): Rendered {
  const subject = `A new version of ${data.fileName} at ${data.shop.name}`;
  const said = `${data.fileName} (${data.productName}), which you bought, has a new version: ${data.note}`;
  const how = 'Your order page always offers the newest version; its links are fresh each time you open it.';
  const text = `${said}\n\n${how}\n\nYour order: ${data.orderUrl}\nOrder ${data.orderId}\n`;
  const body = `<h1 style="font-size:1.3em">A new version is ready</h1>\n<p>${html(said)}</p>\n<p>${html(how)}</p>\n<p>${link(data.orderUrl, 'Download it from your order page')}</p>\n<p style="color:#555;font-size:0.9em">Order ${html(data.orderId)}</p>`;
  return { subject, text: text + textFooter(data.shop), html: page(data.shop, subject, body) };
}
