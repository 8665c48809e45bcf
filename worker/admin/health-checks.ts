// The shop's wiring, judged: plain functions from what was read (the env, R2, Stripe, the
// ledger) to one line each, red ones with their fix. The Health page and `npm run doctor` show
// these lines; the doctor also runs the Stripe ones itself when the worker's key cannot.
import type Stripe from 'stripe';
import type { HealthCheck } from '../../contract/api';
import { MIN_DOWNLOAD_SECRET_LENGTH, QUIET_WEBHOOK_DAYS } from '../../contract/limits';
import { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } from '../../contract/stripe-events';
import { filesOf, type Product, type StripeMode } from '../../catalog';

const DAY_S = 24 * 60 * 60;

const ok = (id: string, title: string, detail: string): HealthCheck => ({ id, ok: true, title, detail, fix: null });
const red = (id: string, title: string, detail: string, fix: string): HealthCheck => ({ id, ok: false, title, detail, fix });

const idOf = (value: string | { id: string } | null | undefined): string | null => (value && typeof value === 'object' ? value.id : (value ?? null));

// ── the webhook endpoint ──

/** The endpoint Stripe sends this shop's events to: one, enabled, every handled type, the pinned version. */
export function webhookEndpointChecks(endpoints: readonly Stripe.WebhookEndpoint[], webhookUrl: string): HealthCheck[] {
  const title = `Webhook endpoint for ${webhookUrl}`;
  const mine = endpoints.filter((endpoint) => endpoint.url === webhookUrl);
  const endpoint = mine.find((candidate) => candidate.status === 'enabled') ?? mine[0];
  if (!endpoint) {
    const elsewhere = endpoints.map((candidate) => candidate.url).join(', ');
    return [red('webhook:exists', title, `Stripe has no endpoint for this URL${elsewhere ? ` (it has ${elsewhere})` : ''}: no order reaches the shop`, 'npm run launch creates it and stores its signing secret')];
  }
  const checks = [
    mine.length > 1
      ? red('webhook:exists', title, `${mine.length} endpoints send to this URL (${mine.map((e) => e.id).join(', ')}): every event arrives once per endpoint`, 'delete all but one in Stripe’s dashboard (Developers → Webhooks), then npm run launch')
      : ok('webhook:exists', title, endpoint.id),
    endpoint.status === 'enabled'
      ? ok('webhook:enabled', 'Webhook endpoint enabled', endpoint.id)
      : red('webhook:enabled', 'Webhook endpoint enabled', `${endpoint.id} is ${endpoint.status}: Stripe sends it nothing`, 'enable it in Stripe’s dashboard (Developers → Webhooks), or npm run launch, which enables it'),
  ];
  const enabled = new Set(endpoint.enabled_events);
  const missing = enabled.has('*') ? [] : HANDLED_EVENT_TYPES.filter((type) => !enabled.has(type));
  checks.push(
    missing.length === 0
      ? ok('webhook:events', 'Webhook endpoint subscribes to every handled event type', enabled.has('*') ? 'all events (*)' : `${HANDLED_EVENT_TYPES.length} types`)
      : red('webhook:events', 'Webhook endpoint subscribes to every handled event type', `missing ${missing.join(', ')}`, 'npm run launch subscribes it to exactly the handled types (contract/stripe-events.ts)'),
  );
  checks.push(
    endpoint.api_version === STRIPE_API_VERSION
      ? ok('webhook:api-version', 'Webhook endpoint API version', STRIPE_API_VERSION)
      : red(
          'webhook:api-version',
          'Webhook endpoint API version',
          `${endpoint.api_version ?? 'the account’s default version'}, but the shop is written for ${STRIPE_API_VERSION}: events may not have the shape it reads`,
          'npm run launch replaces the endpoint with one on the pinned version (Stripe cannot change an endpoint’s version)',
        ),
  );
  return checks;
}

// ── the catalog in Stripe ──

export interface StripeCatalog {
  /** Products with `default_price` expanded. */
  products: readonly Stripe.Product[];
  /** The catalog's Payment Links for this mode, with `line_items` expanded; a link Stripe does not have is absent. */
  links: readonly Stripe.PaymentLink[];
}

const priceText = (amount: number | null, currency: string, interval: string | null | undefined) => `${amount ?? '?'} ${currency}${interval ? ` / ${interval}` : ''}`;

/**
 * Each catalog product: a Stripe product carrying its catalog_id, active, priced, and sold either by
 * the catalog's active Payment Link of that price or, without one, by the worker's own checkout
 * (`workerCheckout`: the worker has a Stripe key, so its Buy form opens a Checkout Session at the
 * mirrored price).
 */
export function catalogChecks(catalog: readonly Product[], mode: StripeMode, stripe: StripeCatalog, workerCheckout = false): HealthCheck[] {
  return catalog.map((entry) => {
    const id = `product:${entry.id}`;
    const title = `${entry.id} in Stripe (${mode} mode)`;
    const launch = 'npm run launch finds it again by metadata.catalog_id, or makes it';
    const matches = stripe.products.filter((product) => product.metadata?.catalog_id === entry.id);
    const product = matches.find((candidate) => candidate.active) ?? matches[0];
    if (!product) {
      const named = entry.stripe?.productId ? stripe.products.find((candidate) => candidate.id === entry.stripe?.productId) : undefined;
      return named
        ? red(id, title, `${named.id} has no metadata.catalog_id = ${entry.id}: the cart and the live catalog do not know it`, `add the metadata in Stripe’s dashboard, or ${launch}`)
        : red(id, title, `no Stripe product has metadata.catalog_id = ${entry.id}`, launch);
    }
    if (!product.active) return red(id, title, `${product.id} is archived in Stripe: its page and Payment Link sell nothing`, 'restore it in Stripe’s dashboard, or npm run launch -- --force');
    const price = typeof product.default_price === 'object' ? product.default_price : null;
    if (!price || !price.active) return red(id, title, `${product.id} has no active default price`, 'set one in Stripe’s dashboard, or npm run launch -- --force (the catalog’s price)');
    const catalogPrice = priceText(entry.price.amount, entry.price.currency.toLowerCase(), entry.price.interval);
    const stripePrice = priceText(price.unit_amount, price.currency, price.recurring?.interval);
    const note = catalogPrice === stripePrice ? '' : ` (catalog.json says ${catalogPrice}; the shop shows Stripe’s)`;
    const linkRef = entry.paymentLinks[mode];
    if (!linkRef.id) {
      return workerCheckout
        ? ok(id, title, `${product.id}, ${stripePrice}${note}, sold by the worker’s checkout (no ${mode} Payment Link in catalog.json)`)
        : red(id, title, `catalog.json has no ${mode} Payment Link for it`, 'npm run launch makes one and writes it into catalog.json');
    }
    const link = stripe.links.find((candidate) => candidate.id === linkRef.id);
    if (!link) return red(id, title, `Stripe has no Payment Link ${linkRef.id} (catalog.json’s)`, 'npm run launch makes one and writes it into catalog.json');
    if (!link.active) return red(id, title, `Payment Link ${link.id} is deactivated: its Buy button fails`, 'npm run launch makes a new one (then rebuilds and deploys)');
    const items = link.line_items?.data ?? [];
    const sold = items.length === 1 ? items[0] : undefined;
    const soldPrice = idOf(sold?.price);
    if (!sold || soldPrice !== price.id || sold.quantity !== 1) {
      const what = sold?.price ? priceText(sold.price.unit_amount, sold.price.currency, sold.price.recurring?.interval) : `${items.length} line items`;
      return red(id, title, `Payment Link ${link.id} sells ${what}, not the product’s price ${priceText(price.unit_amount, price.currency, price.recurring?.interval)} (${price.id})`, 'npm run launch makes a link for the current price (then rebuilds and deploys)');
    }
    return ok(id, title, `${product.id}, ${stripePrice}${note}, Payment Link ${link.id}`);
  });
}

// ── secrets and the back office's door ──

export interface SecretFacts {
  webhookSecrets: number;
  stripeKey: boolean;
  downloadSecretLength: number;
  /** Whether any product delivers files (then links must be signed). */
  deliversFiles: boolean;
}

export function secretChecks(facts: SecretFacts): HealthCheck[] {
  const put = (name: string) => `npm run launch stores it, or npx wrangler secret put ${name}`;
  const checks = [
    facts.webhookSecrets > 0
      ? ok('secret:STRIPE_WEBHOOK_SECRET', 'Secret STRIPE_WEBHOOK_SECRET', `${facts.webhookSecrets} signing secret${facts.webhookSecrets > 1 ? 's' : ''}`)
      : red('secret:STRIPE_WEBHOOK_SECRET', 'Secret STRIPE_WEBHOOK_SECRET', 'not set: every webhook is refused, no order is recorded', 'npm run launch makes the endpoint and stores its secret'),
    facts.stripeKey
      ? ok('secret:STRIPE_SECRET_KEY', 'Secret STRIPE_SECRET_KEY', 'set')
      : red('secret:STRIPE_SECRET_KEY', 'Secret STRIPE_SECRET_KEY', 'not set: no cart, no live catalog, no refunds from the back office', put('STRIPE_SECRET_KEY')),
  ];
  if (facts.deliversFiles) {
    checks.push(
      facts.downloadSecretLength >= MIN_DOWNLOAD_SECRET_LENGTH
        ? ok('secret:DOWNLOAD_SIGNING_SECRET', 'Secret DOWNLOAD_SIGNING_SECRET', 'set')
        : red(
            'secret:DOWNLOAD_SIGNING_SECRET',
            'Secret DOWNLOAD_SIGNING_SECRET',
            facts.downloadSecretLength ? `shorter than ${MIN_DOWNLOAD_SECRET_LENGTH} characters` : 'not set: every download answers 503',
            put('DOWNLOAD_SIGNING_SECRET'),
          ),
    );
  }
  return checks;
}

export type DoorFacts = { access: true; team: string } | { access: 'partly'; problem: string } | { access: false; syncToken: boolean };

export function doorCheck(facts: DoorFacts): HealthCheck {
  const title = 'Back office behind Cloudflare Access or SYNC_TOKEN';
  if (facts.access === true) return ok('admin:door', title, `Cloudflare Access (${facts.team})`);
  if (facts.access === 'partly') return red('admin:door', title, facts.problem, 'set both ACCESS_TEAM_DOMAIN and ACCESS_AUD (docs/going-live.md, Cloudflare Access)');
  return facts.syncToken
    ? ok('admin:door', title, 'SYNC_TOKEN (a bearer token)')
    : red('admin:door', title, 'neither: the back office answers 404 to everyone', 'npm run launch stores a SYNC_TOKEN, or put Cloudflare Access in front (docs/going-live.md)');
}

// ── bindings and files ──

/** A binding and what probing it gave: true, false (not bound), or the error it threw. */
export function bindingCheck(name: string, kind: string, probe: boolean | string, answering = 'bound and answering'): HealthCheck {
  const title = `Binding ${name} (${kind})`;
  if (probe === true) return ok(`binding:${name}`, title, answering);
  const detail = probe === false ? 'not bound' : `bound, but failed: ${probe}`;
  return red(`binding:${name}`, title, detail, 'npm run launch creates it and writes its id into wrangler.toml, then deploys');
}

export interface StoredFile {
  product: Product;
  key: string;
  /** What R2 holds: its size, null when absent, or the error reading it. */
  stored: { size: number } | null | string;
}

export function fileChecks(files: readonly StoredFile[]): HealthCheck[] {
  return files.map(({ product, key, stored }) => {
    const id = `file:${key}`;
    const title = `File ${key}`;
    const name = key.split('/').pop() ?? key;
    const put = `npm run launch -- --from files (uploads catalog/files/${name}), or npm run files -- put ${product.id} <path> (--remote for the deployed shop)`;
    const expected = filesOf(product).find((file) => file.key === key)?.size;
    if (typeof stored === 'string') return red(id, title, `R2 failed: ${stored}`, 'check the FILES binding (wrangler.toml [[r2_buckets]])');
    if (!stored) return red(id, title, `not in R2: ${product.id}'s buyers get no download`, put);
    if (expected !== undefined && stored.size !== expected) return red(id, title, `R2 holds ${stored.size} bytes, catalog.json expects ${expected}`, put);
    return ok(id, title, `${stored.size} bytes`);
  });
}

// ── what Stripe delivered ──

export interface DeliveryFacts {
  failedEvents: number;
  deadOutboxRows: number;
  lastEventAgeSeconds: number | null;
  ordersExist: boolean;
}

export function deliveryChecks(facts: DeliveryFacts): HealthCheck[] {
  const quiet = facts.ordersExist && (facts.lastEventAgeSeconds === null || facts.lastEventAgeSeconds > QUIET_WEBHOOK_DAYS * DAY_S);
  const age = facts.lastEventAgeSeconds;
  const last = age === null ? 'none yet' : `the last ${age < 120 ? `${age} s` : age < 7200 ? `${Math.round(age / 60)} min` : `${Math.round(age / 3600)} h`} ago`;
  const events =
    facts.failedEvents > 0
      ? red('webhook:deliveries', 'Recent webhook deliveries succeeding', `${facts.failedEvents} event(s) failed; ${last}`, 'open /admin/ledger: the error is there; Retry all failed once it is fixed')
      : quiet
        ? red('webhook:deliveries', 'Recent webhook deliveries succeeding', `no event for more than ${QUIET_WEBHOOK_DAYS} days while orders exist`, 'check the webhook endpoint and its secret: npm run doctor, or Stripe’s dashboard (Developers → Webhooks)')
        : ok('webhook:deliveries', 'Recent webhook deliveries succeeding', `no failed events; ${last}`);
  const outbox =
    facts.deadOutboxRows > 0
      ? red('outbox:dead', 'Side effects carried out', `${facts.deadOutboxRows} gave up after their retries`, 'open the orders concerned in /admin/: Retry delivery, or Resend receipt for an email')
      : ok('outbox:dead', 'Side effects carried out', 'none gave up');
  return [events, outbox];
}
