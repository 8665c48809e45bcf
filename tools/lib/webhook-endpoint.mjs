// @ts-check
// The shop's webhook endpoint in Stripe, made through Stripe's API as `npm run launch` and
// `npm start` need it: one endpoint for <shop>/webhooks/stripe, enabled, subscribed to exactly
// the event types the worker handles, on the API version it is written for. Stripe shows an
// endpoint's signing secret only when it makes the endpoint, and cannot change an endpoint's
// version: an endpoint whose secret the worker lacks, or on another version, is replaced
// (the new one made and its secret stored before the old one is deleted).

/**
 * @typedef {{
 *   changed: boolean,
 *   lines: string[],
 *   endpoint: { id: string | null, url: string },
 *   secret: string | null,
 * }} EndpointOutcome
 */

const sameSet = (a, b) => a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');

/**
 * @param {{
 *   stripe: import('stripe').Stripe,
 *   url: string,
 *   events: readonly string[],
 *   apiVersion: string,
 *   secretStored: boolean,
 *   storeSecret: (secret: string) => Promise<void>,
 *   dryRun?: boolean,
 * }} options
 * @returns {Promise<EndpointOutcome>}
 */
export async function ensureWebhookEndpoint({ stripe, url, events, apiVersion, secretStored, storeSecret, dryRun = false }) {
  const all = await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  const mine = all.filter((endpoint) => endpoint.url === url);
  const onVersion = mine.filter((endpoint) => endpoint.api_version === apiVersion);
  const keep = secretStored ? (onVersion.find((endpoint) => endpoint.status === 'enabled') ?? onVersion[0]) : undefined;
  /** @type {string[]} */
  const lines = [];
  const would = (text) => (dryRun ? `would ${text}` : text);
  let changed = false;
  /** @type {string | null} */
  let secret = null;
  let endpoint = keep ? { id: keep.id, url } : { id: null, url };

  if (keep) {
    /** @type {import('stripe').Stripe.WebhookEndpointUpdateParams} */
    const changes = {};
    if (keep.status !== 'enabled') changes.disabled = false;
    if (!sameSet(keep.enabled_events, events)) changes.enabled_events = /** @type {any} */ ([...events]);
    if (Object.keys(changes).length) {
      const what = [changes.disabled === false ? 'enable it' : '', changes.enabled_events ? `subscribe it to exactly the ${events.length} handled types (it had ${keep.enabled_events.join(', ')})` : '']
        .filter(Boolean)
        .join(' and ');
      if (!dryRun) await stripe.webhookEndpoints.update(keep.id, changes);
      lines.push(`${keep.id}: ${would(what)}`);
      changed = true;
    } else {
      lines.push(`${keep.id} for ${url}: enabled, the ${events.length} handled types, API ${apiVersion} — unchanged`);
    }
  } else {
    const why = mine.length === 0 ? 'none for this URL' : !secretStored ? 'the worker has no STRIPE_WEBHOOK_SECRET for the one there (Stripe shows a secret only when it makes an endpoint)' : `the one there is on API ${mine[0]?.api_version ?? 'the account default'}, not ${apiVersion}`;
    if (dryRun) {
      lines.push(`would create an endpoint for ${url} (${why}) and store its secret as STRIPE_WEBHOOK_SECRET`);
    } else {
      const created = await stripe.webhookEndpoints.create({
        url,
        enabled_events: /** @type {any} */ ([...events]),
        api_version: /** @type {any} */ (apiVersion),
        description: 'edge-storefront: made by npm run launch',
        metadata: { made_by: 'edge-storefront' },
      });
      if (!created.secret) throw new Error(`Stripe made ${created.id} but answered no signing secret`);
      secret = created.secret;
      await storeSecret(created.secret);
      endpoint = { id: created.id, url };
      lines.push(`created ${created.id} for ${url} (${why}); its secret stored as STRIPE_WEBHOOK_SECRET`);
    }
    changed = true;
  }

  // Every other endpoint for this URL would deliver each event again, or with a secret the worker lacks.
  for (const extra of mine.filter((candidate) => candidate.id !== keep?.id)) {
    if (!dryRun) await stripe.webhookEndpoints.del(extra.id);
    lines.push(would(`delete ${extra.id}, another endpoint for this URL`));
    changed = true;
  }
  return { changed, lines, endpoint, secret };
}
