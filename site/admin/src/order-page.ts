import type { AdminOrderDetail } from '../../../contract/api';
import type { ClientResponse } from 'hono/client';
import { byId, h } from '../../src/dom';
import { buyerOrderLink, copyText } from './order-link';
import { admin, answer, ApiError, buyerLink, money, notice, orderTitle, resyncButton, resyncMessage, statusBadge, toMinorUnits, when, withAccess } from './api';

const id = new URLSearchParams(location.search).get('id') ?? '';
const order = admin.orders[':id'];
const param = { id };
const fetchDetail = () => answer(order.$get({ param }));
/** One refund form, one key: a double click or a resent request refunds once. */
let refundRequestId = newRequestId();

function newRequestId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

const row = (label: string, value: Node | string) => [h('dt', {}, label), h('dd', {}, value)];

function summary(detail: AdminOrderDetail): HTMLElement {
  const o = detail.order;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'summary-title' },
    h('h2', { id: 'summary-title' }, orderTitle(o)),
    h(
      'dl',
      { class: 'facts' },
      ...row('Status', h('span', { id: 'order-status' }, statusBadge(o.status))),
      ...row(o.amountRefunded > 0 ? 'Paid' : 'Total', h('span', { id: 'order-paid' }, money(o.amountTotal, o.currency))),
      ...(o.amountRefunded > 0 ? [...row('Refunded', h('span', { id: 'order-refunded' }, money(o.amountRefunded, o.currency))), ...row('Net', h('span', { id: 'order-net' }, money(o.amountNet, o.currency)))] : []),
      ...(detail.amountShipping !== null ? row('Shipping paid', h('span', { id: 'order-shipping-amount' }, money(detail.amountShipping, o.currency))) : []),
      ...(detail.shipment ? row('Shipped', shipmentFacts(detail.shipment)) : []),
      ...(detail.discount ? row('Discount', h('span', { id: 'order-discount' }, `−${money(detail.discount.amount, o.currency)}`, ' ', discountSource(detail.discount))) : []),
      ...row('Email', o.customerEmail ? h('span', {}, buyerLink(o.customerEmail), ' ', h('a', { href: `/admin/customer?${new URLSearchParams({ email: o.customerEmail })}`, id: 'customer-view' }, '(every order of this buyer)')) : '—'),
      ...(detail.phone ? row('Phone', h('span', { id: 'order-phone' }, detail.phone)) : []),
      ...row('Buyer id', o.clientReferenceId ?? '—'),
      ...row('Session', h('code', {}, o.id)),
      ...row('Payment intent', o.paymentIntent ? h('code', {}, o.paymentIntent) : '—'),
      ...row('Created', when(o.createdAt)),
      ...row('Fulfilled', when(o.fulfilledAt)),
      ...row('Delivery code', o.deliveryToken ? h('code', {}, o.deliveryToken) : '—'),
      ...(o.revokedAt ? row('Revoked', when(o.revokedAt)) : []),
      ...row('Mode', o.livemode ? 'live' : 'test'),
    ),
  );
}

/** The buyer's order page, in a field the seller can always copy from by hand, and a Copy button. */
function orderLink(detail: AdminOrderDetail): HTMLElement {
  const siteUrl = byId('main').dataset.siteUrl || location.origin;
  const link = buyerOrderLink(siteUrl, detail.order.id);
  const field = h('input', { id: 'order-link', type: 'text', readonly: '', value: link, 'aria-describedby': 'order-link-hint' });
  const hint = h('p', { id: 'order-link-hint', role: 'status' }, 'Whoever has this link sees the order, its downloads and keys: send it only to the buyer.');
  const button = h('button', { type: 'button', id: 'copy-order-link', class: 'small' }, "Copy the buyer's order link");
  button.addEventListener('click', () => {
    void copyText(link, navigator.clipboard).then((outcome) => {
      if (outcome === 'copied') {
        hint.textContent = 'Copied. Send it only to the buyer: it shows the order, its downloads and keys.';
        return;
      }
      field.focus();
      field.select();
      hint.textContent = 'This browser did not allow copying: the link is selected, copy it with Ctrl+C (⌘C on a Mac).';
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'order-link-title' }, h('h2', { id: 'order-link-title' }, "Buyer's order link"), h('label', { for: 'order-link' }, 'Order page'), field, button, hint);
}

/** Carrier, tracking number (a link to the carrier's page when the shop knows it) and the ship date. */
function shipmentFacts(shipment: NonNullable<AdminOrderDetail['shipment']>): HTMLElement {
  const number = h('code', {}, shipment.trackingNumber ?? '');
  const tracked = shipment.trackingUrl?.startsWith('https://') ? h('a', { href: shipment.trackingUrl, rel: 'noopener noreferrer', target: '_blank' }, number) : number;
  return h('span', { id: 'order-shipment' }, `${shipment.carrier ?? ''} `, tracked, ` · ${when(shipment.shippedAt)}`);
}

function discountSource(discount: NonNullable<AdminOrderDetail['discount']>): HTMLElement | string {
  if (discount.promotionCode) return h('span', {}, '(promotion code ', h('code', {}, discount.promotionCode), ')');
  if (discount.coupon) return h('span', {}, '(coupon ', h('code', {}, discount.coupon), ')');
  return '';
}

/** Where to send a physical order; seller-only (the buyer-facing API never carries it). */
function shipping(detail: AdminOrderDetail): HTMLElement | null {
  const a = detail.shipping;
  if (!a) return null;
  const lines = [a.name, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.state, a.country].filter((line): line is string => Boolean(line));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'shipping-title' },
    h('h2', { id: 'shipping-title' }, 'Ship to'),
    h('address', { id: 'shipping-address' }, ...lines.flatMap((line, index) => (index === 0 ? [line] : [h('br', {}), line]))),
  );
}

function lineItems(detail: AdminOrderDetail): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'items-title' },
    h('h2', { id: 'items-title' }, 'Line items'),
    detail.lineItems.length === 0
      ? h('p', {}, 'None recorded.')
      : h(
          'ul',
          { class: 'plain', id: 'line-items' },
          ...detail.lineItems.map((item) =>
            h(
              'li',
              {},
              `${item.quantity} × ${item.description ?? item.product ?? item.price ?? 'item'} — ${money(item.amountTotal, item.currency)} `,
              // Mirrored objects only: a Stripe product (prod_…) and price (price_…), not a catalog slug.
              item.product?.startsWith('prod_') ? h('span', { class: 'mirrored' }, h('code', {}, item.product), ' ', resyncButton('products', item.product, reload)) : '',
              item.price?.startsWith('price_') ? h('span', { class: 'mirrored' }, ' ', h('code', {}, item.price), ' ', resyncButton('prices', item.price, reload)) : '',
            ),
          ),
        ),
  );
}

/** A subscription order's billing periods: the first is the order's own, each later one a renewal Stripe charged (or failed to). */
function periods(detail: AdminOrderDetail): HTMLElement | null {
  if (detail.periods.length === 0) return null;
  const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
  const paid = (p: AdminOrderDetail['periods'][number]) =>
    p.status === 'paid' ? `${money(p.amountPaid, p.currency)} paid${p.amountRefunded ? `, ${money(p.amountRefunded, p.currency)} refunded` : ''}` : p.status === 'failed' ? 'payment failed' : 'waiting for the buyer';
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'periods-title' },
    h('h2', { id: 'periods-title' }, 'Billing periods'),
    h(
      'ol',
      { class: 'plain', id: 'periods' },
      ...detail.periods.map((p) =>
        h('li', { 'data-period': p.invoice, 'data-status': p.status }, `${day(p.start)} – ${day(p.end)}: ${paid(p)}`, p.moneyStatus ? ` (${p.moneyStatus.replace('_', ' ')})` : '', p.first ? ' · the order’s own' : ' · renewal', ' ', h('code', {}, p.invoice)),
      ),
    ),
  );
}

function delivery(detail: AdminOrderDetail): HTMLElement | null {
  if (detail.licenceKeys.length === 0 && detail.downloadCounts.length === 0) return null;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'delivery-title' },
    h('h2', { id: 'delivery-title' }, 'Delivered'),
    detail.licenceKeys.length ? h('h3', {}, 'Licence keys') : null,
    detail.licenceKeys.length ? h('ul', { class: 'plain', id: 'licence-keys' }, ...detail.licenceKeys.map((k) => h('li', {}, `${k.product} #${k.unit + 1}: `, h('code', {}, k.key)))) : null,
    detail.downloadCounts.length ? h('h3', {}, 'Downloads') : null,
    detail.downloadCounts.length
      ? h('ul', { class: 'plain', id: 'download-counts' }, ...detail.downloadCounts.map((d) => h('li', { 'data-file': d.file }, h('code', {}, d.file), ` downloaded ${d.count} time${d.count === 1 ? '' : 's'}, last ${when(d.lastAt)} `, d.count > 0 ? resetForm(d.file) : '')))
      : null,
  );
}

/** Reset one file's download count (a buyer at the limit for a good reason): the reason is logged with your name. */
function resetForm(file: string): HTMLElement {
  const reason = h('input', { name: 'reason', required: true, maxlength: 500, autocomplete: 'off', 'aria-label': `Why reset the downloads of ${file}`, placeholder: 'why (kept in the history)' });
  const form = h('form', { class: 'inline reset-downloads' }, reason, h('button', { type: 'submit', class: 'small' }, 'Reset count'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(form, () => order['downloads-reset'].$post({ param, json: { file, reason: reason.value } }));
  });
  return form;
}

/** What the seller said and did, from an action's detail: the file, the count it had, why. */
function actionDetail(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  const { file, from, reason } = detail as { file?: unknown; from?: unknown; reason?: unknown };
  const what = [typeof file === 'string' ? file : '', typeof from === 'number' ? `(was ${from})` : ''].filter(Boolean).join(' ');
  const said = [what, typeof reason === 'string' ? `“${reason}”` : ''].filter(Boolean).join(': ');
  return said ? ` — ${said}` : '';
}

function history(detail: AdminOrderDetail): HTMLElement {
  const entries = [
    ...detail.events.map((e) => ({ at: e.receivedAt, node: h('li', {}, h('time', { datetime: e.receivedAt }, when(e.receivedAt)), ' ', h('code', {}, e.type), ' ', statusBadge(e.status), e.attempts > 1 ? ` (${e.attempts} attempts)` : '', e.lastError ? h('span', { class: 'error' }, ` ${e.lastError}`) : '', e.note ? h('span', { class: 'note' }, ` ${e.note}`) : '') })),
    ...detail.actions.map((a) => ({ at: a.at, node: h('li', {}, h('time', { datetime: a.at }, when(a.at)), ' ', h('strong', {}, a.action.replaceAll('_', ' ')), ` by ${a.actor}`, actionDetail(a.detail)) })),
  ].sort((x, y) => x.at.localeCompare(y.at));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    h('ol', { class: 'timeline', id: 'history' }, ...entries.map((e) => e.node)),
    detail.outbox.length ? h('h3', {}, 'Side effects') : null,
    detail.outbox.length ? h('ul', { class: 'plain' }, ...detail.outbox.map((o) => h('li', {}, `${o.kind}: `, statusBadge(o.status), ` ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}`, o.lastError ? h('span', { class: 'error' }, ` ${o.lastError}`) : ''))) : null,
    h('h3', {}, 'Emails'),
    detail.emails.length
      ? h(
          'ul',
          { class: 'plain', id: 'emails' },
          ...detail.emails.map((e) =>
            h(
              'li',
              { 'data-email': e.template },
              h('strong', {}, e.template.replaceAll('_', ' ')),
              e.to ? ` to ${e.to}: ` : ': ',
              statusBadge(e.status),
              e.sentAt ? ' sent ' : ' queued ',
              h('time', { datetime: e.sentAt ?? e.queuedAt }, when(e.sentAt ?? e.queuedAt)),
              e.lastError ? h('span', { class: 'error' }, ` ${e.lastError}`) : '',
            ),
          ),
        )
      : h('p', { id: 'emails' }, 'None.'),
  );
}

function actions(detail: AdminOrderDetail): HTMLElement | null {
  const o = detail.order;
  const parts: HTMLElement[] = [];
  // What an empty amount refunds: what has not come back yet.
  const remaining = o.amountNet;
  if (detail.can.refund && o.currency) {
    const amount = h('input', { id: 'refund-amount', name: 'amount', inputmode: 'decimal', placeholder: 'whole order', autocomplete: 'off' });
    const form = h(
      'form',
      { id: 'refund', class: 'action' },
      h('h3', {}, 'Refund'),
      h('p', {}, 'Stripe refunds the payment; the order changes when Stripe confirms it by webhook. A partial refund keeps the buyer’s access and lowers the net.'),
      h('label', { for: 'refund-amount' }, `Amount in ${o.currency.toUpperCase()} (empty: the remaining ${money(remaining, o.currency)})`),
      amount,
      h('button', { type: 'submit', class: 'danger' }, 'Refund'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = amount.value.trim();
      const minor = typed ? toMinorUnits(typed, o.currency!) : null;
      if (typed && minor === null) return notice('The amount must be a positive number.', 'error');
      const label = minor === null ? money(remaining, o.currency) : money(minor, o.currency);
      if (!confirm(`Refund ${label} to the buyer?`)) return;
      void refund(minor, form);
    });
    parts.push(form);
  }
  if (detail.can.rerunFulfilment) {
    const button = h('button', { type: 'button', id: 'rerun' }, o.status === 'review' ? 'Approve and fulfil' : 'Retry delivery');
    button.addEventListener('click', () => void rerun(button));
    parts.push(h('div', { class: 'action' }, h('h3', {}, 'Fulfilment'), h('p', {}, o.status === 'review' ? 'This order was held for review. Approving runs the fulfilment now, logged with your name.' : 'The delivery gave up after its retries. Queue it again.'), button));
  }
  if (detail.can.revokeAccess || detail.can.restoreAccess) parts.push(accessForm(detail.can.revokeAccess ? 'revoke' : 'restore'));
  if (detail.can.markShipped) parts.push(shipForm());
  if (detail.can.markDelivered) parts.push(deliverForm());
  if (detail.can.resendReceipt) {
    const button = h('button', { type: 'button', id: 'resend-receipt' }, 'Resend receipt');
    button.addEventListener('click', () => void resend(button));
    parts.push(h('div', { class: 'action' }, h('h3', {}, 'Receipt'), h('p', {}, 'Email the buyer the receipt again: lines, licence keys and the link to their order page.'), button));
  }
  const resyncOrder = h('button', { type: 'button', id: 'resync' }, 'Resync from Stripe');
  resyncOrder.addEventListener('click', () => void resync(resyncOrder));
  parts.push(
    h('div', { class: 'action' }, h('h3', {}, 'Resync'), h('p', {}, 'Refetch this order’s session, payment, charge and subscription from Stripe and apply them as their webhooks would (for a webhook that never arrived). Logged with your name.'), resyncOrder),
  );
  return h('section', { class: 'card', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, 'Actions'), ...parts);
}

/** Revoke or restore the buyer's access by hand: no money moves; the reason is logged with your name. */
function accessForm(move: 'revoke' | 'restore'): HTMLElement {
  const reason = h('input', { id: 'access-reason', name: 'reason', required: true, maxlength: 500, autocomplete: 'off' });
  const form = h(
    'form',
    { id: 'access', class: 'action' },
    h('h3', {}, 'Access'),
    h('p', {}, move === 'revoke' ? 'Stops the order’s downloads and licence keys now and runs your revoke hook. No money moves.' : 'Serves the order’s downloads and licence keys again. No money moves.'),
    h('label', { for: 'access-reason' }, 'Why (kept in the history)'),
    reason,
    h('button', { type: 'submit', id: `${move}-access`, class: move === 'revoke' ? 'danger' : '' }, move === 'revoke' ? 'Revoke access' : 'Restore access'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const json = { reason: reason.value };
    void send(form, () => (move === 'revoke' ? order['revoke-access'].$post({ param, json }) : order['restore-access'].$post({ param, json })));
  });
  return form;
}

/** A physical order leaves: carrier, tracking number and the day it left, shown on the buyer's page. */
function shipForm(): HTMLElement {
  const carrier = h('input', { id: 'ship-carrier', name: 'carrier', required: true, maxlength: 100, autocomplete: 'off', list: 'known-carriers' });
  const carriers = h('datalist', { id: 'known-carriers' }, ...['USPS', 'UPS', 'FedEx', 'DHL', 'Royal Mail', 'Canada Post', 'Australia Post'].map((name) => h('option', { value: name })));
  const tracking = h('input', { id: 'ship-tracking', name: 'trackingNumber', required: true, maxlength: 100, autocomplete: 'off' });
  const today = new Date().toISOString().slice(0, 10);
  const shippedOn = h('input', { id: 'ship-date', name: 'shippedOn', type: 'date', value: today, max: today });
  const form = h(
    'form',
    { id: 'ship', class: 'action' },
    h('h3', {}, 'Shipping'),
    h('label', { for: 'ship-carrier' }, 'Carrier'),
    carrier,
    carriers,
    h('label', { for: 'ship-tracking' }, 'Tracking number'),
    tracking,
    h('label', { for: 'ship-date' }, 'Shipped on'),
    shippedOn,
    h('button', { type: 'submit', id: 'mark-shipped' }, 'Mark shipped'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(form, () => order['mark-shipped'].$post({ param, json: { carrier: carrier.value, trackingNumber: tracking.value, ...(shippedOn.value ? { shippedOn: shippedOn.value } : {}) } }));
  });
  return form;
}

/** A shipped order arrived (the carrier or the buyer said so): logged, shown on the buyer's page. */
function deliverForm(): HTMLElement {
  const form = h(
    'form',
    { id: 'deliver', class: 'action' },
    h('h3', {}, 'Delivery'),
    h('p', {}, 'When the carrier or the buyer confirms it arrived. No money moves.'),
    h('button', { type: 'submit', id: 'mark-delivered' }, 'Mark delivered'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(form, () => order['mark-delivered'].$post({ param, json: {} }));
  });
  return form;
}

async function send(form: HTMLFormElement, request: () => Promise<ClientResponse<{ message: string }>>): Promise<void> {
  const button = form.querySelector('button')!;
  button.disabled = true;
  try {
    const result = await answer(request());
    render(await fetchDetail());
    notice(result.message, 'ok');
  } catch (error) {
    notice(error instanceof ApiError ? error.message : String(error), 'error');
    button.disabled = false;
  }
}

async function refund(amount: number | null, form: HTMLFormElement): Promise<void> {
  const button = form.querySelector('button')!;
  button.disabled = true;
  try {
    const result = await answer(order.refund.$post({ param, json: { requestId: refundRequestId, ...(amount !== null ? { amount } : {}) } }));
    refundRequestId = newRequestId();
    notice(`Refund of ${money(result.refund.amount, result.refund.currency)} requested from Stripe (${result.refund.status ?? 'pending'}). ${result.message}`, 'ok');
    void watchStatus(result.orderStatus);
  } catch (error) {
    notice(error instanceof ApiError ? `Refund refused: ${error.message}` : String(error), 'error');
  } finally {
    button.disabled = false;
  }
}

/** After a refund, polls the order until Stripe's webhook changes it (or a minute passes). */
async function watchStatus(from: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const detail = await fetchDetail().catch(() => null);
    if (detail && detail.order.status !== from) {
      render(detail);
      notice(`Stripe confirmed: the order is now ${detail.order.status}.`, 'ok');
      return;
    }
  }
}

async function resync(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const result = await answer(admin.resync.$post({ json: { resource: 'orders', id } }));
    render(await fetchDetail());
    notice(resyncMessage(result), 'ok');
  } catch (error) {
    notice(error instanceof ApiError ? error.message : String(error), 'error');
    button.disabled = false;
  }
}

async function rerun(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const result = await answer(order['rerun-fulfilment'].$post({ param, json: {} }));
    render(await fetchDetail());
    notice(result.message, 'ok');
  } catch (error) {
    notice(error instanceof ApiError ? error.message : String(error), 'error');
    button.disabled = false;
  }
}

async function resend(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const result = await answer(order['resend-receipt'].$post({ param, json: {} }));
    render(await fetchDetail());
    notice(result.message, 'ok');
  } catch (error) {
    notice(error instanceof ApiError ? error.message : String(error), 'error');
    button.disabled = false;
  }
}

function render(detail: AdminOrderDetail): void {
  document.title = `${detail.order.id.slice(0, 20)}… — Back office`;
  byId('content').replaceChildren(summary(detail), orderLink(detail), actions(detail) ?? '', shipping(detail) ?? '', lineItems(detail), periods(detail) ?? '', delivery(detail) ?? '', history(detail));
}

async function reload(): Promise<void> {
  render(await fetchDetail());
}

async function load(): Promise<void> {
  render(await fetchDetail());
}

void withAccess(load);
