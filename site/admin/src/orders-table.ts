// A list of orders as the orders page and the customer view show it.
import type { AdminOrder } from '../../../contract/api';
import { h } from '../../src/dom';
import { buyerLink, money, orderTitle, statusBadge, when } from './api';

/** An order's money: what was paid, and when some came back, the refund and the net. */
function amounts(o: AdminOrder): string {
  if (o.amountRefunded === 0) return money(o.amountTotal, o.currency);
  return `${money(o.amountTotal, o.currency)} paid · ${money(o.amountRefunded, o.currency)} refunded · ${money(o.amountNet, o.currency)} net`;
}

export function ordersTable(orders: AdminOrder[], empty: string): HTMLElement {
  if (orders.length === 0) return h('p', { class: 'empty', id: 'no-orders' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'orders' },
      h('caption', { class: 'visually-hidden' }, 'Orders, newest first'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Order'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Total'), h('th', { scope: 'col' }, 'Buyer'), h('th', { scope: 'col' }, 'Created'))),
      h(
        'tbody',
        {},
        ...orders.map((o) =>
          h(
            'tr',
            { 'data-order': o.id },
            h('td', { 'data-label': 'Order' }, h('a', { href: `/admin/order?id=${encodeURIComponent(o.id)}` }, orderTitle(o), h('span', { class: 'id' }, o.id))),
            h('td', { 'data-label': 'Status' }, statusBadge(o.status)),
            h('td', { 'data-label': 'Total' }, amounts(o)),
            h('td', { 'data-label': 'Buyer' }, o.customerEmail ? buyerLink(o.customerEmail) : (o.clientReferenceId ?? '—')),
            h('td', { 'data-label': 'Created' }, when(o.createdAt)),
          ),
        ),
      ),
    ),
  );
}

