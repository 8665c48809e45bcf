import type { AdminEventsResponse } from '../../../contract/api';
import { LEDGER_STATUSES } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { admin, answer, ApiError, notice, statusBadge, when, withAccess } from './api';

const params = new URLSearchParams(location.search);
/** The status filter's extra choice: failed events the events queue gave up on (`?deadLettered=1` to the API). */
const DEAD_LETTERED = 'dead-lettered';

/** Where failed events stand, and where accepted ones wait before they reach the ledger. */
function queueSummary(page: AdminEventsResponse): HTMLElement {
  const waiting = page.counts.failed - page.deadLettered;
  const retriedBy = page.processing === 'queue' ? 'the events queue (or Stripe, for a webhook committed on its request)' : 'Stripe';
  return h(
    'div',
    { id: 'queue-summary' },
    h(
      'p',
      {},
      h('span', { class: 'count' }, 'dead-lettered ', h('strong', { id: 'dead-lettered-count' }, String(page.deadLettered))),
      page.deadLettered ? ' — the queue gave up on them: only Retry runs them again. ' : ' ',
      h('span', { class: 'count' }, 'failed, retried automatically ', h('strong', { id: 'retrying-count' }, String(waiting))),
      waiting ? ` — by ${retriedBy}; Retry runs them now.` : '',
    ),
    page.processing === 'queue' ? queuedNote(page.queued) : null,
  );
}

/** Accepted events not in the ledger yet: they wait on the events queue for their group commit. */
function queuedNote(queued: AdminEventsResponse['queued']): HTMLElement {
  const how = 'Webhooks are answered once their event is on the events queue, and appear below when their group commits (within about a second).';
  if (!queued) return h('p', { class: 'note', id: 'queued-note' }, how, ' The queue did not report its backlog: Cloudflare’s dashboard shows it (Queues, edge-storefront-events).');
  return h(
    'p',
    { class: 'note', id: 'queued-note' },
    h('span', { class: 'count' }, 'queued, not committed yet ', h('strong', { id: 'queued-count' }, String(queued.count))),
    queued.count > 0 && queued.oldestAt ? h('span', {}, ' — the oldest accepted ', h('time', { datetime: queued.oldestAt }, when(queued.oldestAt))) : null,
    '. ',
    how,
  );
}

function filters(): HTMLFormElement {
  return h(
    'form',
    { class: 'filters', method: 'get', action: '/admin/ledger' },
    h('div', {}, h('label', { for: 'status' }, 'Status'), h('select', { id: 'status', name: 'status' }, h('option', { value: '' }, 'All'), ...LEDGER_STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, s)), h('option', { value: DEAD_LETTERED, selected: params.get('status') === DEAD_LETTERED }, 'dead-lettered'))),
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
    queueSummary(page),
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
        h('p', {}, h('code', {}, e.type), ' ', statusBadge(e.status), e.status === 'failed' && e.deadLetteredAt ? h('span', {}, ' ', h('span', { class: 'badge badge--dead', 'data-dead-lettered': true }, 'dead-lettered')) : null, ' ', h('time', { datetime: e.receivedAt }, when(e.receivedAt))),
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
  const asked = { ...query };
  if (query.status === DEAD_LETTERED) {
    delete query.status;
    query.deadLettered = '1';
  }
  const page = await answer(admin.events.$get({ query }));
  const next = page.next ? new URLSearchParams({ ...asked, cursor: page.next }) : null;
  byId('content').replaceChildren(summary(page), filters(), eventsList(page), h('nav', { class: 'pager', 'aria-label': 'Pages' }, next ? h('a', { href: `/admin/ledger?${next}`, rel: 'next' }, 'Older events') : null));
}

void withAccess(load);
