// The health page: is the shop configured, is Stripe talking to it, is anything stuck — and
// every check of its wiring (webhook endpoint, secrets, bindings, files, the catalog in Stripe),
// the same lines `npm run doctor` prints.
import type Stripe from 'stripe';
import { catalog, filesOf, type Product, type StripeMode } from '../../catalog';
import type { AdminHealthResponse, HealthCheck } from '../../contract/api';
import { QUIET_WEBHOOK_DAYS } from '../../contract/limits';
import { catalogSnapshotBuiltAt } from '../storefront/live-catalog';
import { commaSeparated, shopMode } from '../platform/config';
import type { Context } from '../platform/context';
import { lastAction } from '../store/admin-actions';
import { failedCountWithError, lastEvent, ledgerCounts } from '../store/ledger';
import { STRIPE_API_VERSION } from '../../contract/stripe-events';
import { HELD_PREFIX } from '../events/api-version';
import { openAlerts } from '../store/alerts';
import { mirrorCounts } from '../store/mirror';
import { anyOrder } from '../store/orders';
import { deadOutboxCount } from '../store/outbox';
import { pastDueGraceDays } from '../delivery/settings';
import type { Env } from '../platform/env';
import { stripeClient, stripeErrorMessage } from '../stripe/client';
import { emailSettings } from '../email/settings';
import { accessSetting } from './access';
import { bindingCheck, catalogChecks, deliveryChecks, doorCheck, fileChecks, secretChecks, webhookEndpointChecks, type StoredFile } from './health-checks';
import { isoOrNull } from './views';

const DAY_S = 24 * 60 * 60;

/** `webhookUrl`: where this shop's webhook lives, as the request reached it (`https://shop/webhooks/stripe`). */
export async function health(context: Context, webhookUrl: string): Promise<AdminHealthResponse> {
  const { db, env } = context;
  const now = context.now();
  const mode = shopMode(env);
  const [latest, counts, dead, mirror, sync, ordersExist, snapshotAt, wiring, held, alerts] = await Promise.all([
    lastEvent(db),
    ledgerCounts(db),
    deadOutboxCount(db),
    mirrorCounts(db),
    lastAction(db, 'mirror_synced'),
    anyOrder(db),
    catalogSnapshotBuiltAt(env),
    wiringChecks(env, mode, webhookUrl),
    failedCountWithError(db, HELD_PREFIX),
    openAlerts(db),
  ]);
  const webhookSecrets = commaSeparated(env.STRIPE_WEBHOOK_SECRET).length;
  const ageSeconds = latest ? Math.max(0, Math.round((now - latest.receivedAt) / 1000)) : null;
  const warnings: string[] = [];
  if (webhookSecrets === 0) warnings.push('STRIPE_WEBHOOK_SECRET is not set: every webhook is refused.');
  if (ordersExist && (ageSeconds === null || ageSeconds > QUIET_WEBHOOK_DAYS * DAY_S)) {
    warnings.push(`No Stripe event arrived for more than ${QUIET_WEBHOOK_DAYS} days while orders exist: check the webhook endpoint and its secret in Stripe's dashboard.`);
  }
  if (counts.failed > 0) warnings.push(`${counts.failed} event(s) failed: see the ledger.`);
  if (held > 0) {
    warnings.push(`${held} event(s) were rendered at another Stripe API version than ${STRIPE_API_VERSION} and could not be refetched: set STRIPE_SECRET_KEY, then retry them from the ledger; set the webhook endpoint's API version to ${STRIPE_API_VERSION}.`);
  }
  if (dead > 0) warnings.push(`${dead} side effect(s) (deliveries, revocations, emails) gave up after their retries: see the orders concerned.`);
  const access = accessSetting(env);
  if (access.configured === 'partly') warnings.push('Cloudflare Access is half configured: set both ACCESS_TEAM_DOMAIN and ACCESS_AUD.');
  const checks: HealthCheck[] = [
    ...wiring,
    doorCheck(access.configured === true ? { access: true, team: access.config.teamOrigin } : access.configured === 'partly' ? { access: 'partly', problem: access.problem } : { access: false, syncToken: Boolean(env.SYNC_TOKEN?.trim()) }),
    ...deliveryChecks({ failedEvents: counts.failed, deadOutboxRows: dead, lastEventAgeSeconds: ageSeconds, ordersExist }),
  ];
  const grace = pastDueGraceDays(env.SUBSCRIPTION_PAST_DUE_GRACE_DAYS);
  if (grace.problem) warnings.push(grace.problem);
  const email = emailSettings(env);
  if (!email.ok) warnings.push(`Email: ${email.reason}.`);
  return {
    mode,
    configured: {
      webhookSecrets,
      stripeKey: Boolean(env.STRIPE_SECRET_KEY?.trim()),
      syncToken: Boolean(env.SYNC_TOKEN?.trim()),
      access: access.configured === true,
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
    apiVersion: { pinned: STRIPE_API_VERSION, heldEvents: held },
    alerts: alerts.map((alert) => ({ incident: alert.incident, kind: alert.kind, openedAt: new Date(alert.openedAt).toISOString(), message: alert.message, whatToDo: alert.whatToDo })),
    warnings,
    checks,
  };
}

/** The webhook endpoint and the catalog as Stripe has them, then secrets, bindings and files. */
async function wiringChecks(env: Env, mode: StripeMode, webhookUrl: string): Promise<HealthCheck[]> {
  const products = catalog.products;
  const [stripe, bindings, files] = await Promise.all([stripeChecks(env, mode, webhookUrl, products), bindingChecks(env), storedFiles(env, products)]);
  return [
    ...stripe,
    ...secretChecks({
      webhookSecrets: commaSeparated(env.STRIPE_WEBHOOK_SECRET).length,
      stripeKey: Boolean(env.STRIPE_SECRET_KEY?.trim()),
      downloadSecretLength: env.DOWNLOAD_SIGNING_SECRET?.trim().length ?? 0,
      deliversFiles: products.some((product) => product.digital && filesOf(product).length > 0),
    }),
    ...bindings,
    ...(files ? fileChecks(files) : []),
  ];
}

/** Not checked (no key, or the key may not read it): the doctor, given a key, checks these itself. */
const unchecked = (id: string, title: string, detail: string): HealthCheck => ({
  id,
  ok: false,
  title,
  detail,
  fix: 'give the worker’s STRIPE_SECRET_KEY read access to Webhook Endpoints, Products, Prices and Payment Links, or run npm run doctor with STRIPE_SECRET_KEY set (it checks with that key)',
});

async function stripeChecks(env: Env, mode: StripeMode, webhookUrl: string, products: readonly Product[]): Promise<HealthCheck[]> {
  const stripe = await stripeClient(env);
  if (!stripe) {
    return [unchecked('stripe:webhook-endpoints', `Webhook endpoint for ${webhookUrl}`, 'not checked: the worker has no STRIPE_SECRET_KEY'), unchecked('stripe:catalog', 'The catalog in Stripe', 'not checked: the worker has no STRIPE_SECRET_KEY')];
  }
  const [endpoints, catalogInStripe] = await Promise.all([
    stripe.webhookEndpoints
      .list({ limit: 100 })
      .autoPagingToArray({ limit: 1000 })
      .then((list) => webhookEndpointChecks(list, webhookUrl))
      .catch((error: unknown) => [unchecked('stripe:webhook-endpoints', `Webhook endpoint for ${webhookUrl}`, `Stripe refused to list webhook endpoints: ${stripeErrorMessage(error)}`)]),
    // The worker has a key here, so a product without a Payment Link is sold by its own checkout.
    readCatalog(stripe, mode, products)
      .then((read) => catalogChecks(products, mode, read, true))
      .catch((error: unknown) => [unchecked('stripe:catalog', 'The catalog in Stripe', `Stripe refused to list products or Payment Links: ${stripeErrorMessage(error)}`)]),
  ]);
  return [...endpoints, ...catalogInStripe];
}

async function readCatalog(stripe: Stripe, mode: StripeMode, products: readonly Product[]) {
  const linkIds = [...new Set(products.map((product) => product.paymentLinks[mode].id).filter((id): id is string => Boolean(id)))];
  const [stripeProducts, links] = await Promise.all([
    stripe.products.list({ limit: 100, expand: ['data.default_price'] }).autoPagingToArray({ limit: 1000 }),
    Promise.all(
      linkIds.map((id) =>
        stripe.paymentLinks.retrieve(id, { expand: ['line_items'] }).then((link): Stripe.PaymentLink | null => link, (error: unknown) => {
          if ((error as { statusCode?: number }).statusCode === 404) return null;
          throw error;
        }),
      ),
    ),
  ]);
  return { products: stripeProducts, links: links.filter((link): link is Stripe.PaymentLink => link !== null) };
}

async function bindingChecks(env: Env): Promise<HealthCheck[]> {
  const probe = async (bound: unknown, call: () => Promise<unknown>): Promise<boolean | string> => {
    if (!bound) return false;
    try {
      await call();
      return true;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  const [kv, r2] = await Promise.all([probe(env.CATALOG, () => env.CATALOG!.get('health-probe')), probe(env.FILES, () => env.FILES!.head('health-probe'))]);
  // D1 answered the page's own queries; a queue cannot be read without consuming it.
  return [bindingCheck('DB', 'D1', true), bindingCheck('CATALOG', 'KV', kv), bindingCheck('FILES', 'R2', r2), bindingCheck('OUTBOX', 'queue', Boolean(env.OUTBOX), 'bound')];
}

/** Every file the catalog names, once per key, with what R2 holds; null without a bucket (the binding check says so). */
async function storedFiles(env: Env, products: readonly Product[]): Promise<StoredFile[] | null> {
  const bucket = env.FILES;
  if (!bucket) return null;
  const byKey = new Map<string, Product>();
  for (const product of products) if (product.digital) for (const file of filesOf(product)) if (!byKey.has(file.key)) byKey.set(file.key, product);
  return Promise.all(
    [...byKey].map(async ([key, product]) => {
      try {
        const object = await bucket.head(key);
        return { product, key, stored: object ? { size: object.size } : null };
      } catch (error) {
        return { product, key, stored: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
