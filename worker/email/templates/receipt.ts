// The receipt, sent once when an order is fulfilled (or paid and awaiting shipment: then it says where the goods go): every line, the discount, the total, the
// licence keys, and the order page (which always signs fresh download links) — never a bare file link.
import { html, link, page, textFooter, type Rendered, type Shop } from './layout';

export interface ReceiptData {
  shop: Shop;
  orderId: string;
  lines: { description: string; quantity: number; amount: string | null }[];
  discount: string | null;
  /** What shipping cost (null: no shipping charged). */
  shipping: string | null;
  /** Where the goods ship to, as lines (null: nothing to ship). */
  shipTo: string[] | null;
  total: string | null;
  licenceKeys: { product: string; key: string | null }[];
  hasDownloads: boolean;
  orderUrl: string;
  libraryUrl: string;
}

export function receipt(data: ReceiptData): Rendered {
  const subject = `Your receipt from ${data.shop.name}`;
  const lines = data.lines.map((line) => `${line.quantity} × ${line.description}${line.amount ? `  ${line.amount}` : ''}`);
  const keys = data.licenceKeys.map(({ product, key }) => `${product}: ${key ?? 'your key is on its way; it will appear on your order page'}`);
  const open = data.hasDownloads ? 'Download your files and see your order' : 'See your order';
  const text = [
    `Thank you for your order from ${data.shop.name}.`,
    '',
    ...lines,
    ...(data.discount ? [`Discount  −${data.discount}`] : []),
    ...(data.shipping ? [`Shipping  ${data.shipping}`] : []),
    ...(data.total ? [`Total  ${data.total}`] : []),
    ...(data.shipTo ? ['', 'We will ship your order to:', ...data.shipTo, 'Your order page shows the tracking number once it is on its way.'] : []),
    ...(keys.length > 0 ? ['', 'Licence keys:', ...keys] : []),
    '',
    `${open}: ${data.orderUrl}`,
    `Every order of this email address, from any device: ${data.libraryUrl}`,
    `Order ${data.orderId}`,
  ].join('\n');
  const rows = data.lines
    .map((line) => `<tr><td>${line.quantity} × ${html(line.description)}</td><td style="text-align:right">${html(line.amount ?? '')}</td></tr>`)
    .join('\n');
  const body = `<h1 style="font-size:1.3em">Thank you for your order</h1>
<table style="width:100%;border-collapse:collapse">
${rows}
${data.discount ? `<tr><td>Discount</td><td style="text-align:right">−${html(data.discount)}</td></tr>` : ''}
${data.shipping ? `<tr><td>Shipping</td><td style="text-align:right">${html(data.shipping)}</td></tr>` : ''}
${data.total ? `<tr><td><strong>Total</strong></td><td style="text-align:right"><strong>${html(data.total)}</strong></td></tr>` : ''}
</table>
${
  data.shipTo
    ? `<h2 style="font-size:1.1em">Shipping to</h2><p>${data.shipTo.map(html).join('<br>')}</p><p style="font-size:0.9em">Your order page shows the tracking number once it is on its way.</p>`
    : ''
}
${
  data.licenceKeys.length > 0
    ? `<h2 style="font-size:1.1em">Licence keys</h2><ul>${data.licenceKeys
        .map(({ product, key }) => `<li>${html(product)}: ${key ? `<code>${html(key)}</code>` : 'your key is on its way; it will appear on your order page'}</li>`)
        .join('')}</ul>`
    : ''
}
<p>${link(data.orderUrl, open)}</p>
<p style="font-size:0.9em">Every order of this email address, from any device: ${link(data.libraryUrl, 'your purchases')}.</p>
<p style="color:#555;font-size:0.9em">Order ${html(data.orderId)}</p>`;
  return { subject, text: text + textFooter(data.shop), html: page(data.shop, subject, body) };
}
