import type { AdminEventsResponse } from '../../../contract/api';
import { LEDGER_STATUSES } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { admin, answer, ApiError, notice, statusBadge, when, withAccess } from './api';

const params = new URLSearchParams(location.search);

function filters(): HTMLFormElement {
  return h(
    'form',
    { class: 'filters', method: 'get', action: '/admin/ledger' },
    h('div', {}, h('label', { for: 'status' }, 'Status'), h('select', { id: 'status', name: 'status' }, h('option', { value: '' }, 'All'), ...LEDGER_STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, s)))),
    h('div', { class: 'grow' }, h('label', { for: 'type' }, 'Type'), h('input', { id: 'type', name: 'type', value: params.get('type') ?? '', placeholder: 'charge.refunded', autocomplete: 'off' })),
    h('button', { type: 'submit' }, 'Show'),
  );
}

function summary(page: AdminEventsResponse): HTMLElement {
  const retryAll = h('button', { type: 'button', id: 'retry-all', disabled: page.counts.failed === 0 }, `Retry all failed (${page.counts.failed})`);
  retryAll.addEventListener('click', () => void retry(() => admin.events['retry-failed'].$post({ json: {} }), retryAll));
  return h(
    'section',
    { class: 'card', 'aria-label': 'Ledger summary' },
    h('p', {}, ...LEDGER_STATUSES.map((s) => h('span', { class: 'count' }, statusBadge(s), ` ${page.counts[s]}`))),
    retryAll,
    page.ignoredByType.length
      ? h('details', {}, h('summary', {}, 'Ignored event types'), h('p', {}, 'Stripe sends these, the shop does not use them: remove them from the webhook endpoint in Stripe’s dashboard.'), h('ul', { id: 'ignored' }, ...page.ignoredByType.map((t) => h('li', {}, h('code', {}, t.type), ` × ${t.count}`))))
      : null,
  );
}

function eventsList(page: AdminEventsResponse): HTMLElement {
  if (page.events.length === 0) return h('p', { class: 'empty' }, 'No events.');
  return h(
    'ol',
    { class: 'events', id: 'events' },
    ...page.events.map((e) => {
      const retryButton = e.status === 'failed' ? h('button', { type: 'button', class: 'small' }, 'Retry now') : null;
      retryButton?.addEventListener('click', () => void retry(() => admin.events[':id'].retry.$post({ param: { id: e.id }, json: {} }), retryButton));
      return h(
        'li',
        { class: 'card event', 'data-event': e.id },
        h('p', {}, h('code', {}, e.type), ' ', statusBadge(e.status), ' ', h('time', { datetime: e.receivedAt }, when(e.receivedAt))),
        h('p', { class: 'id' }, e.id, e.attempts > 1 ? ` · ${e.attempts} attempts` : ''),
        e.lastError ? h('p', { class: 'error' }, e.lastError) : null,
        e.note ? h('p', { class: 'note' }, e.note) : null,
        retryButton,
      );
    }),
  );
}

async function retry(request: () => ReturnType<typeof admin.events['retry-failed']['$post']>, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const result = await answer(request());
    const done = result.results.filter((r) => r.outcome !== 'failed').length;
    await load();
    notice(`${done} of ${result.results.length} retried event(s) went through; ${result.remainingFailed} failed left.`, result.remainingFailed ? 'error' : 'ok');
  } catch (error) {
    notice(error instanceof ApiError ? error.message : String(error), 'error');
    button.disabled = false;
  }
}

async function load(): Promise<void> {
  const query: Record<string, string> = {};
  for (const name of ['status', 'type', 'cursor']) {
    const value = params.get(name);
    if (value) query[name] = value;
  }
  const page = await answer(admin.events.$get({ query }));
  const next = page.next ? new URLSearchParams({ ...query, cursor: page.next }) : null;
  byId('content').replaceChildren(summary(page), filters(), eventsList(page), h('nav', { class: 'pager', 'aria-label': 'Pages' }, next ? h('a', { href: `/admin/ledger?${next}`, rel: 'next' }, 'Older events') : null));
}

void withAccess(load);
