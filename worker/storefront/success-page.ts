// The buyer's order page, /success?session_id=cs_…, rendered by the worker from the server's
// state into the built success.html (HTMLRewriter), so a buyer without JavaScript sees the same
// status, downloads and keys as the script shows. Every value is escaped. While the order can
// still change, a refresh inside <noscript> reloads the page; with JavaScript the script polls instead.
import { servesAccess } from '../../contract/order-states';
import { findProduct, productPath, SHOP_LOCALE } from '../../catalog';
import { formatMoney } from '../../catalog/money';
import { fileUpdateText, formatBytes, ORDER_PAGE_TEXT, orderLineTexts, otherStatusText, subscriptionNotice } from '../../catalog/order-page';
import { escapeHtml as e } from '../../catalog/product-page';
import type { OrderResponse } from '../../contract/api';

/** Seconds between reloads of a page whose order can still change (no JavaScript). */
export const SUCCESS_PAGE_REFRESH_SECONDS = 5;

export type SuccessPageState =
  | { kind: 'order'; order: OrderResponse }
  /** `awaitingWebhook`: the shop cannot ask Stripe, so the order may still arrive: the page checks again. */
  | { kind: 'not-found'; awaitingWebhook: boolean }
  /** No session id, or not one: nothing to look up. */
  | { kind: 'unknown-reference' }
  /** The lookup was refused (too many) or failed: the page tries again. */
  | { kind: 'unavailable' };

export interface SuccessPageView {
  status: 200 | 404 | 503;
  /** The status region's `data-status`, as the script sets it. */
  dataStatus: string;
  /** Whether the page reloads itself (no JavaScript) */
  refresh: boolean;
  /** The status region's content, escaped HTML. */
  html: string;
}

type Icon = 'progress' | 'success' | 'error' | 'neutral';

const title = (icon: Icon, text: string) => `<p class="status-title"><span class="status-icon status-icon--${icon}" aria-hidden="true"></span>${e(text)}</p>`;
const paragraph = (text: string, className?: string) => `<p${className ? ` class="${className}"` : ''}>${e(text)}</p>`;
const action = (href: string, label: string) => `<p class="panel__actions"><a class="button button--large" href="${e(href)}">${e(label)}</a></p>`;

function money(value: number | null, currency: string | null): string | null {
  if (value === null || !currency) return null;
  try {
    return formatMoney(value, currency, SHOP_LOCALE);
  } catch {
    return null; // unknown currency code
  }
}

const formatDate = (iso: string) => new Date(iso).toLocaleDateString(SHOP_LOCALE, { dateStyle: 'long', timeZone: 'UTC' });

function summary(order: OrderResponse): string {
  const rows: [string, string][] = [];
  const lines = orderLineTexts(order);
  if (lines.length > 0) rows.push([lines.length > 1 ? 'Items' : 'Product', lines.map((line) => e(line)).join('<br>')]);
  const discount = order.amountDiscount ? money(order.amountDiscount, order.currency) : null;
  if (discount) rows.push(['Discount', `<span data-discount="">−${e(discount)}</span>`]);
  const shippingCost = order.shipment?.amount != null ? money(order.shipment.amount, order.currency) : null;
  if (shippingCost) rows.push(['Shipping', `<span data-shipping-amount="">${e(shippingCost)}</span>`]);
  const total = money(order.amountTotal, order.currency);
  if (total) rows.push(['Amount', e(total)]);
  rows.push(['Order reference', `<code class="reference">${e(order.id)}</code>`]);
  return `<dl class="order-summary">${rows.map(([term, value]) => `<dt>${e(term)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

function updateNote(update: OrderResponse['downloads'][number]['update']): string {
  const text = fileUpdateText(update);
  return text ? `<span class="downloads__update" data-file-update="">${e(text)}</span>` : '';
}

function downloads(order: OrderResponse): string {
  // Only a path on the worker's own /downloads/ is ever a link here.
  const items = order.downloads.filter((download) => download.url.startsWith('/downloads/'));
  if (items.length === 0) return '';
  const item = (download: OrderResponse['downloads'][number]) => {
    const left = Math.max(0, download.limit - download.used);
    return `<li class="downloads__item"><a class="button" href="${e(download.url)}" download="${e(download.filename)}" data-download="${e(download.filename)}">Download ${e(download.name)}</a><span class="downloads__meta">${e(`${formatBytes(download.size)} · ${left} of ${download.limit} downloads left`)}</span>${updateNote(download.update)}</li>`;
  };
  return `<ul class="downloads">${items.map(item).join('')}</ul>${paragraph(ORDER_PAGE_TEXT.linksHint, 'delivery__hint')}`;
}

function licenceKeys(order: OrderResponse): string {
  const keys = order.licenceKeys;
  if (keys.length === 0) return '';
  const rows = keys.map(({ product, key }) => {
    const value = key === null ? e('Your key is on its way: the seller will send it shortly.') : `<code class="licence-key" data-licence-key="${e(product.id)}">${e(key)}</code>`;
    return `<dt>${e(product.name)}</dt><dd>${value}</dd>`;
  });
  return `<div class="licence-keys"><h3 class="delivery__heading">${keys.length === 1 ? 'Your licence key' : 'Your licence keys'}</h3><dl class="licence-keys__list">${rows.join('')}</dl></div>`;
}

function delivery(order: OrderResponse): string {
  const notice = subscriptionNotice(order.subscriptionAccess, formatDate);
  if (order.downloads.length === 0 && order.licenceKeys.length === 0 && !order.deliveryToken && !notice) return '';
  return [
    '<section class="delivery" aria-labelledby="delivery-heading">',
    `<h2 id="delivery-heading" class="delivery__heading">${order.downloads.length > 0 ? 'Your downloads' : 'Your order'}</h2>`,
    notice ? `<p class="notice delivery__notice" id="subscription-access">${e(notice)}</p>` : '',
    downloads(order),
    licenceKeys(order),
    order.deliveryToken ? `<p class="delivery__hint">Download code (for support): <code id="delivery-token">${e(order.deliveryToken)}</code></p>` : '',
    '</section>',
  ].join('');
}

/** Goods on their way: carrier and tracking number (a link to the carrier's page when the shop knows it), or that they will come. */
function shipment(order: OrderResponse): string {
  const shipping = order.shipment;
  if (!shipping) return '';
  const rows: [string, string][] = [];
  if (shipping.carrier) rows.push(['Carrier', e(shipping.carrier)]);
  if (shipping.trackingNumber) {
    const number = `<code id="tracking-number">${e(shipping.trackingNumber)}</code>`;
    // Only an https link the worker built for a known carrier.
    rows.push(['Tracking number', shipping.trackingUrl?.startsWith('https://') ? `<a id="tracking-link" href="${e(shipping.trackingUrl)}" rel="noopener noreferrer">${number}</a>` : number]);
  }
  if (shipping.shippedAt) rows.push(['Shipped on', e(formatDate(shipping.shippedAt))]);
  return [
    '<section class="shipment" id="shipment" aria-labelledby="shipment-heading">',
    `<h2 id="shipment-heading" class="delivery__heading">${e(ORDER_PAGE_TEXT.shipmentHeading)}</h2>`,
    rows.length > 0 ? `<dl class="order-summary">${rows.map(([term, value]) => `<dt>${e(term)}</dt><dd>${value}</dd>`).join('')}</dl>` : paragraph(ORDER_PAGE_TEXT.shipmentPending, 'delivery__hint'),
    '</section>',
  ].join('');
}

function retryHref(order: OrderResponse): string {
  const product = order.product && findProduct(order.product.id);
  return product ? productPath(product.id) : '/';
}

function orderView(order: OrderResponse): SuccessPageView {
  const view = (dataStatus: string, refresh: boolean, ...parts: string[]): SuccessPageView => ({ status: 200, dataStatus, refresh, html: parts.join('') });
  const inProgress = ORDER_PAGE_TEXT.inProgress[order.status];
  if (inProgress) return view(order.status, true, title('progress', inProgress));
  switch (order.status) {
    case 'fulfilled':
    case 'partially_refunded':
      return view(order.status, false, title('success', order.status === 'partially_refunded' ? ORDER_PAGE_TEXT.partiallyRefunded : ORDER_PAGE_TEXT.fulfilled), summary(order), delivery(order), action('/', 'Continue shopping'));
    case 'awaiting_shipment':
    case 'shipped':
    case 'delivered':
      return view(order.status, false, title('success', ORDER_PAGE_TEXT.shipping[order.status]!), summary(order), shipment(order), delivery(order), action('/', 'Continue shopping'));
    case 'payment_failed':
      return view('payment_failed', false, title('error', ORDER_PAGE_TEXT.paymentFailed), action(retryHref(order), 'Try again'));
    case 'expired':
      return view('expired', false, title('neutral', ORDER_PAGE_TEXT.expired), action(retryHref(order), 'Try again'));
    default:
      // Other states that still serve the order (a dispute won, access restored, shipped) keep its files and keys.
      return servesAccess(order.status)
        ? view(order.status, false, title('neutral', otherStatusText(order.status)), summary(order), delivery(order), action('/', 'Back to the shop'))
        : view(order.status, false, title('neutral', otherStatusText(order.status)), summary(order), action('/', 'Back to the shop'));
  }
}

/** What the page shows for a state: its HTTP status, the status region and whether it reloads itself. */
export function successPageView(state: SuccessPageState): SuccessPageView {
  switch (state.kind) {
    case 'order':
      return orderView(state.order);
    case 'not-found':
      if (state.awaitingWebhook) {
        return { status: 404, dataStatus: 'waiting', refresh: true, html: title('progress', ORDER_PAGE_TEXT.waiting) + paragraph(ORDER_PAGE_TEXT.awaitingWebhook, 'status-detail') };
      }
      return { status: 404, dataStatus: 'not-found', refresh: false, html: title('neutral', ORDER_PAGE_TEXT.notFound) + paragraph(ORDER_PAGE_TEXT.notFoundDetail) + action('/', 'Back to the shop') };
    case 'unknown-reference':
      return {
        status: 404,
        dataStatus: 'unknown-reference',
        refresh: false,
        html: title('neutral', ORDER_PAGE_TEXT.unknownReference) + paragraph(ORDER_PAGE_TEXT.unknownReferenceDetail) + action('/', 'Back to the shop'),
      };
    case 'unavailable':
      return { status: 503, dataStatus: 'waiting', refresh: true, html: title('progress', ORDER_PAGE_TEXT.waiting) + paragraph(ORDER_PAGE_TEXT.unavailable, 'status-detail') };
  }
}

/** The built success.html with the state rendered into its status region. */
export function renderSuccessPage(built: string, state: SuccessPageState): Response {
  const view = successPageView(state);
  const rewriter = new HTMLRewriter()
    // Rendered here, the page needs no script to be read: the static page's notice would be wrong.
    .on('main noscript', { element: (element) => void element.remove() })
    .on('#order-status', {
      element: (element) => {
        element.setAttribute('data-status', view.dataStatus);
        element.setInnerContent(view.html, { html: true });
      },
    });
  // In <noscript>: with JavaScript the script polls, and a reload would only interrupt it.
  if (view.refresh) rewriter.on('head', { element: (element) => void element.append(`<noscript><meta http-equiv="refresh" content="${SUCCESS_PAGE_REFRESH_SECONDS}"></noscript>`, { html: true }) });
  return rewriter.transform(new Response(built, { status: view.status, headers: { 'content-type': 'text/html; charset=utf-8' } }));
}
