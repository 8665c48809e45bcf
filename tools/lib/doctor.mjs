// @ts-check
// The doctor: the shop's wiring, one line per check, red ones with their fix. The worker's
// health endpoint does most of the looking (secrets without their values, bindings, files in
// R2, the catalog and the webhook endpoint in Stripe, the ledger); the doctor adds what only an
// outsider sees (is the shop there, does the back office let this machine in) and, given a
// Stripe key, checks the Stripe side itself where the worker's key could not.
import { readFile } from 'node:fs/promises';
import { refusalOf } from './admin-auth.mjs';
import { healthChecks } from './contract.mjs';

/** @typedef {import('./contract.mjs').HealthCheck} HealthCheck */

const red = (id, title, detail, fix) => ({ id, ok: false, title, detail, fix });

/**
 * @param {{
 *   shopUrl: string,
 *   auth: import('./admin-auth.mjs').AdminAuth | { error: string },
 *   stripe: import('stripe').Stripe | null,
 *   mode: 'test' | 'live' | null,
 *   catalogPath: string,
 *   startHint: string,
 * }} options
 * @returns {Promise<HealthCheck[]>}
 */
export async function runDoctor({ shopUrl, auth, stripe, mode, catalogPath, startHint }) {
  const webhookUrl = `${shopUrl}/webhooks/stripe`;
  /** @type {HealthCheck[]} */
  let checks = [];
  if ('error' in auth) {
    checks.push(red('admin:door', 'Back office reachable from here', auth.error, 'export SYNC_TOKEN, or CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET'));
  } else {
    let response;
    try {
      response = await fetch(`${shopUrl}/api/admin/health`, { headers: { ...auth.headers, accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    } catch (caught) {
      const error = /** @type {any} */ (caught);
      const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
      checks.push(red('shop:reachable', `Shop at ${shopUrl}`, `no answer (${cause})`, startHint));
    }
    if (response) {
      const refusal = refusalOf(response, auth);
      if (response.ok) {
        const body = /** @type {{ checks?: HealthCheck[] }} */ (await response.json());
        if (!Array.isArray(body.checks)) {
          checks.push(red('shop:health', `Shop at ${shopUrl}`, 'its health answer has no checks: the worker is older than this doctor', 'deploy it again: npm run launch'));
        } else {
          checks.push({ id: 'shop:reachable', ok: true, title: `Shop at ${shopUrl}`, detail: `answering; back office entered with ${auth.via}`, fix: null }, ...body.checks);
        }
      } else {
        checks.push(red('admin:door', 'Back office reachable from here', refusal ?? `GET /api/admin/health answered ${response.status}: ${(await response.text()).slice(0, 300)}`, refusal ? 'see above' : startHint));
      }
    }
  }
  if (stripe && mode) checks = await withOwnStripeChecks(checks, { stripe, mode, webhookUrl, catalogPath });
  return checks;
}

/**
 * The doctor's own look at Stripe, with its key: in place of the worker's lines that could not
 * be checked (no key, a restricted one), or of none at all when the shop did not answer.
 */
async function withOwnStripeChecks(checks, { stripe, mode, webhookUrl, catalogPath }) {
  const { webhookEndpointChecks, catalogChecks } = await healthChecks();
  const needsEndpoint = !checks.some((check) => check.id === 'webhook:exists');
  const needsCatalog = !checks.some((check) => check.id.startsWith('product:'));
  const out = checks.filter((check) => !(needsEndpoint && check.id === 'stripe:webhook-endpoints') && !(needsCatalog && check.id === 'stripe:catalog'));
  if (needsEndpoint) {
    const endpoints = await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    out.push(...webhookEndpointChecks(endpoints, webhookUrl));
  }
  if (needsCatalog) {
    const catalog = JSON.parse(await readFile(catalogPath, 'utf8')).products;
    const products = await stripe.products.list({ limit: 100, expand: ['data.default_price'] }).autoPagingToArray({ limit: 1000 });
    const ids = [...new Set(catalog.map((entry) => entry.paymentLinks?.[mode]?.id).filter(Boolean))];
    const links = [];
    for (const id of ids) {
      try {
        links.push(await stripe.paymentLinks.retrieve(id, { expand: ['line_items'] }));
      } catch (error) {
        if (/** @type {any} */ (error)?.statusCode !== 404) throw error;
      }
    }
    out.push(...catalogChecks(catalog, mode, { products, links }));
  }
  return out;
}

/**
 * One line per check; a red one's fix under it.
 * @param {HealthCheck[]} checks
 */
export function formatChecks(checks) {
  return checks.flatMap((check) => (check.ok ? [`✓ ${check.title} — ${check.detail}`] : [`✗ ${check.title} — ${check.detail}`, `    fix: ${check.fix ?? 'see the Health page'}`]));
}
