// One buyer's whole life with the shop: every order of theirs (by email, or by their Stripe
// customer), paid, refunded and net per currency, and the Stripe customer with its resync.
import type { AdminCustomerResponse } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { admin, answer, money, notice, resyncButton, withAccess } from './api';
import { ordersTable } from './orders-table';

const params = new URLSearchParams(location.search);

function who(page: AdminCustomerResponse): HTMLElement {
  const row = (label: string, value: Node | string) => [h('dt', {}, label), h('dd', {}, value)];
  const c = page.customer;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'buyer-title' },
    h('h2', { id: 'buyer-title' }, c?.name ?? page.email ?? c?.id ?? 'Buyer'),
    h(
      'dl',
      { class: 'facts' },
      ...row('Email', page.email ?? '—'),
      ...(c ? row('Stripe customer', h('span', {}, h('code', {}, c.id), c.deleted ? ' (deleted in Stripe)' : '', ' ', resyncButton('customers', c.id, load))) : []),
      ...row(
        'Paid · refunded · net',
        page.totals.length === 0
          ? 'nothing paid'
          : h('ul', { class: 'plain', id: 'buyer-totals' }, ...page.totals.map((t) => h('li', {}, `${money(t.paid, t.currency)} · ${money(t.refunded, t.currency)} · ${money(t.net, t.currency)} (${t.orders} order${t.orders === 1 ? '' : 's'})`))),
      ),
    ),
  );
}

async function load(): Promise<void> {
  const email = params.get('email');
  const customer = params.get('customer');
  const cursor = params.get('cursor');
  const page = await answer(admin.customers.$get({ query: { ...(email ? { email } : {}), ...(customer ? { customer } : {}), ...(cursor ? { cursor } : {}) } }));
  document.title = `${page.email ?? page.customer?.id ?? 'Customer'} — Back office`;
  const next = page.next ? new URLSearchParams({ ...(email ? { email } : {}), ...(customer ? { customer } : {}), cursor: page.next }) : null;
  byId('content').replaceChildren(
    who(page),
    h('h2', {}, 'Orders'),
    ordersTable(page.orders, page.email ? 'No orders with this email.' : 'This customer has no email in Stripe: no orders are found by it.'),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, next ? h('a', { href: `/admin/customer?${next}`, rel: 'next' }, 'Older orders') : null),
  );
  notice('');
}

void withAccess(load);
