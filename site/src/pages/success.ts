// `/success?session_id=cs_…`: Stripe sends the buyer here after paying, but the URL proves
// nothing, so the outcome shown is whatever the worker says about that Checkout Session.
import { findProduct, productPath } from '../../../catalog';
import { clearCart } from '../cart';
import { API_BASE } from '../config';
import { byId, h, queryParam } from '../dom';
import { initLayout, updateCartBadge } from '../layout';
import { formatMoney } from '../../../catalog/money';
import { openPortal } from '../portal';
import { fileUpdateText, ORDER_PAGE_TEXT, otherStatusText } from '../../../catalog/order-page';
import { formatBytes, isTerminalStatus, isValidSessionId, licenceKeyLabels, orderLineTexts, pollOrder, subscriptionNotice, type Download, type LicenceKey, type Order } from '../order-status';

initLayout();

type Icon = 'progress' | 'success' | 'error' | 'neutral';

const IN_PROGRESS_TEXT = ORDER_PAGE_TEXT.inProgress;
const SLOW_TEXT =
  'Still confirming your payment — this can take a few minutes. You can safely leave this page; we will email you.';

const region = byId('order-status');
/**
 * States the worker's rendering of this page (worker/storefront/success-page.ts) ends in. Any other
 * is taken over: shown as rendered until the first answer, then kept up to date from the API.
 */
const SETTLED_BY_SERVER = new Set(['not-found', 'unknown-reference']);

function show(status: string, ...content: (Node | null)[]): void {
  region.dataset.status = status;
  region.replaceChildren(...content.filter((node): node is Node => node !== null));
}

function statusTitle(icon: Icon, text: string, long = false): HTMLParagraphElement {
  return h('p', { class: long ? 'status-title status-title--long' : 'status-title' }, h('span', { class: `status-icon status-icon--${icon}`, 'aria-hidden': 'true' }), text);
}

function actions(href: string, label: string): HTMLParagraphElement {
  return h('p', { class: 'panel__actions' }, h('a', { class: 'button button--large', href }, label));
}

function retryHref(order: Order): string {
  const product = order.product && findProduct(order.product.id);
  return product ? productPath(product.id) : '/';
}

function money(value: number | null, currency: string | null): string | null {
  if (value === null || !currency) return null;
  try {
    return formatMoney(value, currency);
  } catch {
    return null; // unknown currency code
  }
}

function summary(order: Order): HTMLDListElement {
  const rows: [string, Node | string][] = [];
  // A cart order is named by every line it bought, never by its first.
  const lines = orderLineTexts(order);
  if (lines.length === 1) rows.push(['Product', h('span', { 'data-order-line': '' }, lines[0]!)]);
  if (lines.length > 1) rows.push(['Products', h('ul', { class: 'order-lines' }, ...lines.map((line) => h('li', { 'data-order-line': '' }, line)))]);
  // The total is what was paid; a promotion code's discount is shown as already taken off it.
  const discount = order.amountDiscount ? money(order.amountDiscount, order.currency) : null;
  if (discount) rows.push(['Discount', h('span', { 'data-discount': '' }, `−${discount}`)]);
  const shippingCost = order.shipment?.amount != null ? money(order.shipment.amount, order.currency) : null;
  if (shippingCost) rows.push(['Shipping', h('span', { 'data-shipping-amount': '' }, shippingCost)]);
  const total = money(order.amountTotal, order.currency);
  if (total) rows.push(['Amount', total]);
  rows.push(['Order reference', h('code', { class: 'reference' }, order.id)]);
  return h('dl', { class: 'order-summary' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function updateNote(download: Download): HTMLSpanElement[] {
  const text = fileUpdateText(download.update);
  return text ? [h('span', { class: 'downloads__update', 'data-file-update': '' }, text)] : [];
}

function downloadButton(download: Download): HTMLLIElement {
  const left = Math.max(0, download.limit - download.used);
  // A plain link: the worker streams the file as an attachment, so the page stays where it is.
  return h(
    'li',
    { class: 'downloads__item' },
    h(
      'a',
      { class: 'button', href: `${API_BASE}${download.url}`, download: download.filename, 'data-download': download.filename },
      `Download ${download.name}`,
    ),
    h('span', { class: 'downloads__meta' }, `${formatBytes(download.size)} · ${left} of ${download.limit} downloads left`),
    ...updateNote(download),
  );
}

function licenceKeys(keys: LicenceKey[]): HTMLElement | null {
  if (keys.length === 0) return null;
  const labels = licenceKeyLabels(keys);
  return h(
    'div',
    { class: 'licence-keys' },
    h('h3', { class: 'delivery__heading' }, keys.length === 1 ? 'Your licence key' : 'Your licence keys'),
    h(
      'dl',
      { class: 'licence-keys__list' },
      ...keys.flatMap(({ product, key }, index) => [
        h('dt', {}, labels[index]!),
        h('dd', {}, key === null ? 'Your key is on its way: the seller will send it shortly.' : h('code', { class: 'licence-key', 'data-licence-key': product.id }, key)),
      ]),
    ),
  );
}

/** A date as the buyer reads it, in their own language and time zone. */
const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'long' });

function delivery(order: Order): HTMLElement | null {
  // Why a subscription's files stopped (canceled, unpaid, …), or until when an overdue one keeps them.
  const notice = subscriptionNotice(order.subscriptionAccess, formatDate);
  if (order.downloads.length === 0 && order.licenceKeys.length === 0 && !order.deliveryToken && !notice) return null;
  return h(
    'section',
    { class: 'delivery', 'aria-labelledby': 'delivery-heading' },
    h('h2', { id: 'delivery-heading', class: 'delivery__heading' }, order.downloads.length > 0 ? 'Your downloads' : 'Your order'),
    notice ? h('p', { class: 'notice delivery__notice', id: 'subscription-access' }, notice) : null,
    order.downloads.length > 0 ? h('ul', { class: 'downloads' }, ...order.downloads.map(downloadButton)) : null,
    order.downloads.length > 0
      ? h('p', { class: 'delivery__hint' }, ORDER_PAGE_TEXT.linksHint)
      : null,
    licenceKeys(order.licenceKeys),
    order.deliveryToken ? h('p', { class: 'delivery__hint' }, 'Download code (for support): ', h('code', { id: 'delivery-token' }, order.deliveryToken)) : null,
  );
}

/** Goods on their way: carrier and tracking number (linked to a known carrier's page), or that they will come. */
function shipment(order: Order): HTMLElement | null {
  const shipping = order.shipment;
  if (!shipping) return null;
  const rows: [string, Node | string][] = [];
  if (shipping.carrier) rows.push(['Carrier', shipping.carrier]);
  if (shipping.trackingNumber) {
    const number = h('code', { id: 'tracking-number' }, shipping.trackingNumber);
    rows.push(['Tracking number', shipping.trackingUrl ? h('a', { id: 'tracking-link', href: shipping.trackingUrl, rel: 'noopener noreferrer' }, number) : number]);
  }
  if (shipping.shippedAt) rows.push(['Shipped on', formatDate(shipping.shippedAt)]);
  return h(
    'section',
    { class: 'shipment', id: 'shipment', 'aria-labelledby': 'shipment-heading' },
    h('h2', { id: 'shipment-heading', class: 'delivery__heading' }, ORDER_PAGE_TEXT.shipmentHeading),
    rows.length > 0
      ? h('dl', { class: 'order-summary' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]))
      : h('p', { class: 'delivery__hint' }, ORDER_PAGE_TEXT.shipmentPending),
  );
}

/** For a subscription: Manage subscription opens Stripe's customer portal for this buyer. */
function manageSubscription(order: Order): HTMLElement | null {
  if (!order.subscription) return null;
  const message = h('p', { class: 'delivery__hint', role: 'status' });
  const button = h('button', { type: 'button', class: 'button', id: 'manage-subscription' }, 'Manage subscription');
  button.addEventListener('click', () => {
    button.disabled = true;
    message.textContent = 'Opening your subscription…';
    void openPortal({ apiBase: API_BASE }).then((result) => {
      if (result.ok) return location.assign(result.url);
      button.disabled = false;
      message.textContent = result.error;
    });
  });
  return h('p', { class: 'panel__actions' }, button, message);
}

function renderTerminal(order: Order): void {
  switch (order.status) {
    case 'fulfilled':
    case 'partially_refunded':
    case 'dispute_won':
    case 'restored':
      // The order is confirmed: what was in the cart has been bought (a cart checkout keeps the
      // cart until here, so a cancelled or failed payment loses nothing).
      clearCart();
      updateCartBadge([]);
      show(
        'fulfilled',
        statusTitle('success', order.status === 'partially_refunded' ? ORDER_PAGE_TEXT.partiallyRefunded : ORDER_PAGE_TEXT.fulfilled),
        summary(order),
        delivery(order),
        manageSubscription(order),
        actions('/', 'Continue shopping'),
      );
      return;
    case 'awaiting_shipment':
    case 'shipped':
    case 'delivered':
      // Paid: the cart's goods are bought, whatever the carrier does next.
      clearCart();
      updateCartBadge([]);
      show(order.status, statusTitle('success', ORDER_PAGE_TEXT.shipping[order.status]!), summary(order), shipment(order), delivery(order), actions('/', 'Continue shopping'));
      return;
    case 'payment_failed':
      show(
        'payment_failed',
        statusTitle('error', ORDER_PAGE_TEXT.paymentFailed),
        actions(retryHref(order), 'Try again'),
      );
      return;
    case 'expired':
      show('expired', statusTitle('neutral', ORDER_PAGE_TEXT.expired), actions(retryHref(order), 'Try again'));
      return;
    default:
      // A status this page does not know yet (refunded, disputed, …): say it plainly.
      show(
        order.status,
        statusTitle('neutral', otherStatusText(order.status)),
        summary(order),
        actions('/', 'Back to the shop'),
      );
  }
}

const sessionId = queryParam('session_id');

if (!isValidSessionId(sessionId)) {
  region.dataset.polling = 'off';
  show(
    'unknown-reference',
    statusTitle('neutral', ORDER_PAGE_TEXT.unknownReference),
    h('p', {}, ORDER_PAGE_TEXT.unknownReferenceDetail),
    actions('/', 'Back to the shop'),
  );
} else if (SETTLED_BY_SERVER.has(region.dataset.status ?? '')) {
  // The worker rendered this page and said there is no such order: nothing to ask again.
  region.dataset.polling = 'off';
} else {
  let latest: Order | null = null;
  let slow = false;
  let stopped = false;
  const render = () => {
    if (latest && isTerminalStatus(latest.status)) renderTerminal(latest);
    else if (stopped) {
      show(
        'slow',
        statusTitle('neutral', SLOW_TEXT, true),
        h('p', { class: 'status-detail' }, 'We stopped checking automatically. Reload this page to check again.'),
      );
    } else if (slow) {
      const detail = latest && IN_PROGRESS_TEXT[latest.status];
      show('slow', statusTitle('progress', SLOW_TEXT, true), detail ? h('p', { class: 'status-detail' }, detail) : null);
    } else if (latest) show(latest.status, statusTitle('progress', IN_PROGRESS_TEXT[latest.status] ?? ''));
  };

  region.dataset.polling = 'active';
  void pollOrder({
    sessionId,
    apiBase: API_BASE,
    onOrder(order) {
      latest = order;
      render();
    },
    onSlow() {
      slow = true;
      render();
    },
  }).then((outcome) => {
    region.dataset.polling = outcome === 'terminal' || outcome === 'not-found' ? 'done' : 'stopped';
    if (outcome === 'not-found') {
      show('not-found', statusTitle('neutral', ORDER_PAGE_TEXT.notFound), h('p', {}, ORDER_PAGE_TEXT.notFoundDetail), actions('/', 'Back to the shop'));
    }
    if (outcome === 'gave-up') {
      stopped = true;
      render();
    }
  });
}
