import type { AdminOrdersResponse, SalesTotals } from '../../../contract/api';
import { ORDER_STATUSES } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { get, money, notice, orderTitle, statusBadge, when, withAccess } from './api';

const params = new URLSearchParams(location.search);

function filters(): HTMLFormElement {
  const status = h('select', { id: 'status', name: 'status' }, h('option', { value: '' }, 'All'), ...ORDER_STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, s.replace('_', ' '))));
  const q = h('input', { id: 'q', name: 'q', type: 'search', value: params.get('q') ?? '', placeholder: 'cs_…, pi_…, email or buyer id', autocomplete: 'off' });
  return h(
    'form',
    { class: 'filters', method: 'get', action: '/admin/', role: 'search' },
    h('div', {}, h('label', { for: 'status' }, 'Status'), status),
    h('div', { class: 'grow' }, h('label', { for: 'q' }, 'Search'), q),
    h('button', { type: 'submit' }, 'Show'),
  );
}

function totalsCard(totals: SalesTotals): HTMLElement {
  const line = (label: string, list: SalesTotals['today']) =>
    h('div', { class: 'total' }, h('h3', {}, label), list.length === 0 ? h('p', {}, 'No sales') : h('ul', {}, ...list.map((t) => h('li', {}, `${money(t.amount, t.currency)} · ${t.orders} order${t.orders === 1 ? '' : 's'}${t.renewals ? ` · ${t.renewals} renewal${t.renewals === 1 ? '' : 's'}` : ''}`))));
  return h('section', { class: 'totals', 'aria-label': 'Sales' }, line('Today', totals.today), line('7 days', totals.last7Days), line('30 days', totals.last30Days));
}

function ordersTable(page: AdminOrdersResponse): HTMLElement {
  if (page.orders.length === 0) return h('p', { class: 'empty' }, 'No orders.');
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
        ...page.orders.map((o) =>
          h(
            'tr',
            { 'data-order': o.id },
            h('td', { 'data-label': 'Order' }, h('a', { href: `/admin/order?id=${encodeURIComponent(o.id)}` }, orderTitle(o), h('span', { class: 'id' }, o.id))),
            h('td', { 'data-label': 'Status' }, statusBadge(o.status)),
            h('td', { 'data-label': 'Total' }, money(o.amountTotal, o.currency)),
            h('td', { 'data-label': 'Buyer' }, o.customerEmail ?? o.clientReferenceId ?? '—'),
            h('td', { 'data-label': 'Created' }, when(o.createdAt)),
          ),
        ),
      ),
    ),
  );
}

async function load(): Promise<void> {
  const query = new URLSearchParams();
  for (const name of ['status', 'q', 'cursor']) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  const [page, totals] = await Promise.all([get<AdminOrdersResponse>(`orders?${query}`), get<SalesTotals>('totals')]);
  const next = page.next ? new URLSearchParams({ ...Object.fromEntries(query), cursor: page.next }) : null;
  byId('content').replaceChildren(
    totalsCard(totals),
    filters(),
    ordersTable(page),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      params.get('cursor') ? h('a', { href: `/admin/?${new URLSearchParams({ ...(params.get('status') ? { status: params.get('status')! } : {}) })}` }, 'Newest') : null,
      next ? h('a', { href: `/admin/?${next}`, rel: 'next' }, 'Older orders') : null,
    ),
  );
  notice('');
}

void withAccess(load);
