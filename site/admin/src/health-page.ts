import type { AdminHealthResponse } from '../../../contract/api';
import { byId, h } from '../../src/dom';
import { get, withAccess } from './api';

const yes = (value: boolean) => (value ? 'yes' : 'no');

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

async function load(): Promise<void> {
  const health = await get<AdminHealthResponse>('health');
  const row = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
  byId('content').replaceChildren(
    health.warnings.length
      ? h('section', { class: 'card warnings', 'aria-labelledby': 'warnings-title' }, h('h2', { id: 'warnings-title' }, 'Warnings'), h('ul', { id: 'warnings' }, ...health.warnings.map((w) => h('li', {}, w))))
      : h('p', { class: 'notice notice--ok', id: 'warnings' }, 'No warnings.'),
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
        ...row('Side effects given up', String(health.deadOutboxRows)),
        ...row('Catalog snapshot', health.catalogSnapshot ? `built ${age(health.catalogSnapshot.ageSeconds)}` : 'none cached'),
        ...row('Last sync', health.lastSync ? `${health.lastSync.resource}, ${new Date(health.lastSync.at).toLocaleString()} by ${health.lastSync.actor}` : 'never'),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'mirror-title' },
      h('h2', { id: 'mirror-title' }, 'Stripe mirror'),
      h('dl', { class: 'facts' }, ...Object.entries(health.mirror).flatMap(([name, m]) => row(name.replace('_', ' '), `${m.rows}${m.deleted ? ` (+${m.deleted} deleted)` : ''}`))),
    ),
  );
}

void withAccess(load);
