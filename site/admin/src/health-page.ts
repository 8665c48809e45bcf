import type { AdminFilesResponse, ReconcileResponse } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { admin, answer, ApiError, notice, withAccess } from './api';

const yes = (value: boolean) => (value ? 'yes' : 'no');

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

async function load(): Promise<void> {
  const [health, reconciliation, files] = await Promise.all([answer(admin.health.$get()), answer(admin.reconcile.$get()), answer(admin.files.$get())]);
  const row = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
  byId('content').replaceChildren(
    health.alerts.length
      ? h(
          'section',
          { class: 'card warnings alerts', 'aria-labelledby': 'alerts-title' },
          h('h2', { id: 'alerts-title', class: 'error' }, 'Alerts'),
          h('ul', { id: 'alerts' }, ...health.alerts.map((alert) => h('li', { class: 'error' }, h('strong', {}, alert.message), ` Since ${new Date(alert.openedAt).toLocaleString()}. ${alert.whatToDo}`))),
        )
      : '',
    health.warnings.length
      ? h('section', { class: 'card warnings', 'aria-labelledby': 'warnings-title' }, h('h2', { id: 'warnings-title' }, 'Warnings'), h('ul', { id: 'warnings' }, ...health.warnings.map((w) => h('li', {}, w))))
      : h('p', { class: 'notice notice--ok', id: 'warnings' }, 'No warnings.'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'checks-title' },
      h('h2', { id: 'checks-title' }, `Checks (${health.checks.filter((check) => !check.ok).length} red, the same as npm run doctor)`),
      h(
        'ul',
        { class: 'checks', id: 'checks' },
        ...health.checks.map((check) =>
          h(
            'li',
            { class: check.ok ? 'check check--ok' : 'check check--red', 'data-check': check.id },
            h('strong', {}, `${check.ok ? '✓' : '✗'} ${check.title}`),
            ` — ${check.detail}`,
            check.fix ? h('div', { class: 'check__fix' }, `Fix: ${check.fix}`) : null,
          ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'config-title' },
      h('h2', { id: 'config-title' }, 'Configuration'),
      h(
        'dl',
        { class: 'facts' },
        ...row('Mode', health.mode),
        ...row('Webhook secrets', String(health.configured.webhookSecrets)),
        ...row('Stripe API key', yes(health.configured.stripeKey)),
        ...row('Cloudflare Access', yes(health.configured.access)),
        ...row('SYNC_TOKEN', yes(health.configured.syncToken)),
        ...row('Outbox queue', yes(health.configured.outboxQueue)),
        ...row('Catalog cache (KV)', yes(health.configured.catalogCache)),
        h('dt', {}, 'Email provider'),
        health.configured.email
          ? h('dd', { id: 'email-provider' }, health.configured.email)
          : h('dd', { id: 'email-provider', class: 'danger' }, 'none: buyers get no receipt, no library link'),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'events-title' },
      h('h2', { id: 'events-title' }, 'Events and side effects'),
      h(
        'dl',
        { class: 'facts' },
        ...row('Last event', health.lastEvent ? `${health.lastEvent.type}, ${age(health.lastEvent.ageSeconds)}` : 'none yet'),
        ...row('Failed events', String(health.failedEvents)),
        ...row('Stripe API version', `${health.apiVersion.pinned}${health.apiVersion.heldEvents ? ` (${health.apiVersion.heldEvents} held at another version)` : ''}`),
        ...row('Side effects given up', String(health.deadOutboxRows)),
        ...row('Catalog snapshot', health.catalogSnapshot ? `built ${age(health.catalogSnapshot.ageSeconds)}` : 'none cached'),
        ...row('Last sync', health.lastSync ? `${health.lastSync.resource}, ${new Date(health.lastSync.at).toLocaleString()} by ${health.lastSync.actor}` : 'never'),
      ),
    ),
    reconciliationCard(reconciliation),
    filesCard(files),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'mirror-title' },
      h('h2', { id: 'mirror-title' }, 'Stripe mirror'),
      h('dl', { class: 'facts' }, ...Object.entries(health.mirror).flatMap(([name, m]) => row(name.replace('_', ' '), `${m.rows}${m.deleted ? ` (+${m.deleted} deleted)` : ''}`))),
    ),
  );
}

/** The latest reconciliation's drift report: what differed from Stripe, what was repaired, what needs the seller. */
function reconciliationCard(report: ReconcileResponse): HTMLElement {
  const run = report.run;
  const button = h('button', { type: 'button', id: 'reconcile' }, 'Reconcile now');
  button.addEventListener('click', () => void reconcileNow(button));
  const needsSeller = report.drift.filter((entry) => entry.outcome === 'needs_seller');
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'reconcile-title' },
    h('h2', { id: 'reconcile-title' }, 'Reconciliation with Stripe'),
    h(
      'p',
      { id: 'reconcile-summary' },
      run
        ? `${run.finishedAt ? `Last run finished ${new Date(run.finishedAt).toLocaleString()}` : `A run started ${new Date(run.startedAt).toLocaleString()} is carrying on`} (${run.trigger}): ${run.compared} objects and events compared in ${run.pages} pages; ${report.drift.length ? `${report.drift.length} differed, ${needsSeller.length} need you.` : 'no drift.'}`
        : 'Never run yet: it runs daily from the Cron Trigger once a Stripe key is set.',
    ),
    report.drift.length
      ? h(
          'ul',
          { id: 'drift', class: 'plain' },
          ...report.drift.map((entry) =>
            h('li', { class: entry.outcome === 'needs_seller' ? 'error' : '' }, `${entry.resource} ${entry.objectId}: ${entry.kind}${entry.fields ? ` (${entry.fields.join(', ')})` : ''} — ${entry.outcome === 'repaired' ? 'repaired' : 'needs you'}${entry.detail ? `: ${entry.detail}` : ''}`),
          ),
        )
      : null,
    button,
  );
}

async function reconcileNow(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    let report: ReconcileResponse;
    do report = await answer(admin.reconcile.$post({ json: {} }));
    while (report.run && !report.run.finishedAt);
    await load();
    notice(report.drift.length ? `Reconciled: ${report.drift.length} difference(s) with Stripe, see below.` : 'Reconciled: the shop agrees with Stripe.', 'ok');
  } catch (error) {
    notice(error instanceof ApiError ? error.message : String(error), 'error');
    button.disabled = false;
  }
}

/** The catalog's files: each one's newest version and note, and Notify past buyers once a new version is out. */
function filesCard(overview: AdminFilesResponse): HTMLElement {
  const item = (file: AdminFilesResponse['files'][number]) => {
    const said = file.update
      ? `${file.name} (${file.product.name}): version ${file.version}, ${file.update.publishedAt.slice(0, 10)}: ${file.update.note} — ${file.told} buyer(s) told, ${file.untold} not yet.`
      : `${file.name} (${file.product.name}): version 1, as first uploaded.`;
    if (!file.update || file.untold === 0) return h('li', { 'data-file': file.key }, said);
    const button = h('button', { type: 'button', 'data-notify': file.key }, 'Notify past buyers');
    button.addEventListener('click', () => void notifyBuyers(button, file.key));
    return h('li', { 'data-file': file.key }, said, ' ', button);
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'files-title' },
    h('h2', { id: 'files-title' }, 'Files'),
    h('p', {}, 'Buyers always download the newest version. Publish one with npm run files -- put <file key> <path> --note "what changed".'),
    h('ul', { id: 'files', class: 'plain' }, ...overview.files.map(item)),
  );
}

async function notifyBuyers(button: HTMLButtonElement, key: string): Promise<void> {
  button.disabled = true;
  try {
    const result = await answer(admin.files.notify.$post({ json: { key } }));
    await load();
    notice(result.message, 'ok');
  } catch (error) {
    notice(error instanceof ApiError ? error.message : String(error), 'error');
    button.disabled = false;
  }
}

void withAccess(load);
