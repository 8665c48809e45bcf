import type { OrderStatus, SalesTotals } from '../../../contract/api';
import { ORDER_STATUSES } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { admin, answer, ApiError, money, notice, withAccess } from './api';
import { ordersTable } from './orders-table';

type Filters = { status?: OrderStatus; q?: string; cursor?: string };

const isStatus = (value: string): value is OrderStatus => (ORDER_STATUSES as readonly string[]).includes(value);

/** The filters in the address bar: a search is a link the seller can keep or share. */
function filtersOf(params: URLSearchParams): Filters {
  const status = params.get('status') ?? '';
  const q = params.get('q')?.trim();
  const cursor = params.get('cursor');
  return { ...(isStatus(status) ? { status } : {}), ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) };
}

/** The search form: built once, never replaced, so a search that finds nothing (or fails) leaves what the seller typed. */
function filtersForm(initial: Filters): HTMLFormElement {
  const status = h('select', { id: 'status', name: 'status' }, h('option', { value: '' }, 'All'), ...ORDER_STATUSES.map((s) => h('option', { value: s, selected: initial.status === s }, s.replace('_', ' '))));
  const q = h('input', { id: 'q', name: 'q', type: 'search', value: initial.q ?? '', placeholder: 'cs_…, pi_…, ada@, example.com, a product or buyer id', autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'filters', method: 'get', action: '/admin/', role: 'search' },
    h('div', {}, h('label', { for: 'status' }, 'Status'), status),
    h('div', { class: 'grow' }, h('label', { for: 'q' }, 'Search'), q),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const filters: Filters = { ...(isStatus(status.value) ? { status: status.value } : {}), ...(q.value.trim() ? { q: q.value.trim() } : {}) };
    history.pushState(null, '', `/admin/?${new URLSearchParams(filters)}`);
    void showOrders(filters);
  });
  return form;
}

function totalsCard(totals: SalesTotals): HTMLElement {
  const line = (label: string, list: SalesTotals['today']) =>
    h('div', { class: 'total' }, h('h3', {}, label), list.length === 0 ? h('p', {}, 'No sales') : h('ul', {}, ...list.map((t) => h('li', {}, `${money(t.amount, t.currency)} net · ${t.orders} order${t.orders === 1 ? '' : 's'}${t.renewals ? ` · ${t.renewals} renewal${t.renewals === 1 ? '' : 's'}` : ''}`))));
  return h('section', { class: 'totals', id: 'totals', 'aria-label': 'Sales, net of refunds' }, line('Today', totals.today), line('7 days', totals.last7Days), line('30 days', totals.last30Days));
}

/** The orders for `filters` into the results region only: the totals and the form stay as they are. */
async function showOrders(filters: Filters): Promise<void> {
  const results = byId('results');
  results.setAttribute('aria-busy', 'true');
  try {
    const page = await answer(admin.orders.$get({ query: filters }));
    const next = page.next ? new URLSearchParams({ ...filters, cursor: page.next }) : null;
    const empty = filters.q ? `No orders match “${filters.q}”${filters.status ? ` with status ${filters.status.replace('_', ' ')}` : ''}.` : 'No orders.';
    results.replaceChildren(
      page.searchedNewest && filters.q ? h('p', { class: 'note', id: 'search-window' }, `Domains and product names are searched among the newest ${page.searchedNewest.toLocaleString()} orders.`) : '',
      ordersTable(page.orders, empty),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Pages' },
        filters.cursor ? h('a', { href: `/admin/?${new URLSearchParams({ ...(filters.status ? { status: filters.status } : {}) })}` }, 'Newest') : null,
        next ? h('a', { href: `/admin/?${next}`, rel: 'next' }, 'Older orders') : null,
      ),
    );
    notice('');
  } catch (error) {
    // A refused search says why and keeps the previous results and the form.
    if (error instanceof ApiError && error.status !== 401) notice(`Search refused: ${error.message}`, 'error');
    else throw error;
  } finally {
    results.removeAttribute('aria-busy');
  }
}

async function load(): Promise<void> {
  const filters = filtersOf(new URLSearchParams(location.search));
  const totals = await answer(admin.totals.$get());
  byId('content').replaceChildren(totalsCard(totals), filtersForm(filters), h('div', { id: 'results', 'aria-live': 'polite' }));
  await showOrders(filters);
}

window.addEventListener('popstate', () => void withAccess(load));
void withAccess(load);
