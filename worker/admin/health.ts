// The health page: is the shop configured, is Stripe talking to it, is anything stuck.
import type { AdminHealthResponse } from '../../contract/api';
import { QUIET_WEBHOOK_DAYS } from '../../contract/limits';
import { catalogSnapshotBuiltAt } from '../storefront/live-catalog';
import { commaSeparated, shopMode } from '../platform/config';
import type { Context } from '../platform/context';
import { lastAction } from '../store/admin-actions';
import { lastEvent, ledgerCounts } from '../store/ledger';
import { mirrorCounts } from '../store/mirror';
import { anyOrder } from '../store/orders';
import { deadOutboxCount } from '../store/outbox';
import { pastDueGraceDays } from '../delivery/settings';
import { emailSettings } from '../email/settings';
import { accessSetting } from './access';
import { isoOrNull } from './views';

const DAY_S = 24 * 60 * 60;

export async function health(context: Context): Promise<AdminHealthResponse> {
  const { db, env } = context;
  const now = context.now();
  const [latest, counts, dead, mirror, sync, ordersExist, snapshotAt] = await Promise.all([
    lastEvent(db),
    ledgerCounts(db),
    deadOutboxCount(db),
    mirrorCounts(db),
    lastAction(db, 'mirror_synced'),
    anyOrder(db),
    catalogSnapshotBuiltAt(env),
  ]);
  const webhookSecrets = commaSeparated(env.STRIPE_WEBHOOK_SECRET).length;
  const ageSeconds = latest ? Math.max(0, Math.round((now - latest.receivedAt) / 1000)) : null;
  const warnings: string[] = [];
  if (webhookSecrets === 0) warnings.push('STRIPE_WEBHOOK_SECRET is not set: every webhook is refused.');
  if (ordersExist && (ageSeconds === null || ageSeconds > QUIET_WEBHOOK_DAYS * DAY_S)) {
    warnings.push(`No Stripe event arrived for more than ${QUIET_WEBHOOK_DAYS} days while orders exist: check the webhook endpoint and its secret in Stripe's dashboard.`);
  }
  if (counts.failed > 0) warnings.push(`${counts.failed} event(s) failed: see the ledger.`);
  if (dead > 0) warnings.push(`${dead} side effect(s) (deliveries, revocations) gave up after their retries: see the orders concerned.`);
  if (accessSetting(env).configured === 'partly') warnings.push('Cloudflare Access is half configured: set both ACCESS_TEAM_DOMAIN and ACCESS_AUD.');
  const grace = pastDueGraceDays(env.SUBSCRIPTION_PAST_DUE_GRACE_DAYS);
  if (grace.problem) warnings.push(grace.problem);
  const email = emailSettings(env);
  if (!email.ok) warnings.push(`Email: ${email.reason}.`);
  return {
    mode: shopMode(env),
    configured: {
      webhookSecrets,
      stripeKey: Boolean(env.STRIPE_SECRET_KEY?.trim()),
      syncToken: Boolean(env.SYNC_TOKEN?.trim()),
      access: accessSetting(env).configured === true,
      outboxQueue: Boolean(env.OUTBOX),
      catalogCache: Boolean(env.CATALOG),
      email: email.ok ? email.settings.provider : null,
    },
    lastEvent: latest && ageSeconds !== null ? { id: latest.id, type: latest.type, receivedAt: new Date(latest.receivedAt).toISOString(), ageSeconds } : null,
    failedEvents: counts.failed,
    deadOutboxRows: dead,
    mirror: Object.fromEntries(Object.entries(mirror).map(([name, m]) => [name, { rows: m.rows, deleted: m.deleted, lastUpdatedAt: isoOrNull(m.lastUpdatedAt) }])),
    lastSync: sync ? { at: new Date(sync.at).toISOString(), actor: sync.actor, resource: sync.subject } : null,
    catalogSnapshot: snapshotAt === null ? null : { ageSeconds: Math.max(0, Math.round((now - snapshotAt) / 1000)) },
    warnings,
  };
}
