import type { AdminSubscription, AdminSubscriptionsResponse } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { admin, answer, buyerLink, notice, resyncButton, statusBadge, when, withAccess } from './api';

const params = new URLSearchParams(location.search);

/** What the seller reads first: the status, and whether it ends with the current period. */
function state(subscription: AdminSubscription): Node {
  if (subscription.status === null) return h('span', {}, 'not reported by Stripe yet');
  return h(
    'span',
    {},
    statusBadge(subscription.ended ? 'ended' : subscription.status),
    subscription.cancelAtPeriodEnd && !subscription.ended ? h('span', { class: 'note', 'data-cancel-at-period-end': '' }, ` cancels at period end (${when(subscription.currentPeriodEnd)})`) : '',
  );
}

/** The buyer, linked to their customer view (by email, else by the Stripe customer). */
function buyer(s: AdminSubscription): Node | string {
  if (s.customerEmail) return buyerLink(s.customerEmail);
  if (s.customer) return h('a', { href: `/admin/customer?${new URLSearchParams({ customer: s.customer })}` }, h('code', {}, s.customer));
  return s.clientReferenceId ?? '—';
}

function table(page: AdminSubscriptionsResponse): HTMLElement {
  if (page.subscriptions.length === 0) return h('p', { class: 'empty' }, 'No subscriptions.');
  const header = ['Subscription', 'Status', 'Current period', 'Buyer', 'Started', ''].map((label) => h('th', { scope: 'col' }, label));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'subscriptions' },
      h('caption', { class: 'visually-hidden' }, 'Subscriptions, newest first'),
      h('thead', {}, h('tr', {}, ...header)),
      h(
        'tbody',
        {},
        ...page.subscriptions.map((s) =>
          h(
            'tr',
            { 'data-subscription': s.id },
            h('td', { 'data-label': 'Subscription' }, h('code', {}, s.id), ' ', h('a', { href: `/admin/order?id=${encodeURIComponent(s.orderId)}`, class: 'order-link' }, 'its order')),
            h('td', { 'data-label': 'Status' }, state(s)),
            h('td', { 'data-label': 'Current period' }, s.currentPeriodStart ? `${when(s.currentPeriodStart)} – ${when(s.currentPeriodEnd)}` : '—'),
            h('td', { 'data-label': 'Buyer' }, buyer(s)),
            h('td', { 'data-label': 'Started' }, when(s.startedAt)),
            h('td', { 'data-label': 'Stripe' }, resyncButton('subscriptions', s.id, load)),
          ),
        ),
      ),
    ),
  );
}

async function load(): Promise<void> {
  const cursor = params.get('cursor');
  const page = await answer(admin.subscriptions.$get({ query: cursor ? { cursor } : {} }));
  byId('content').replaceChildren(
    table(page),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      cursor ? h('a', { href: '/admin/subscriptions' }, 'Newest') : null,
      page.next ? h('a', { href: `/admin/subscriptions?${new URLSearchParams({ cursor: page.next })}`, rel: 'next' }, 'Older subscriptions') : null,
    ),
  );
  notice('');
}

void withAccess(load);
