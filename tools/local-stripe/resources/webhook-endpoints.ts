// Webhook endpoints: create (the signing secret is in this answer only, as on Stripe), retrieve,
// update (`disabled`, `enabled_events`, `url`), delete, list. Every enabled endpoint receives
// the events it subscribes to (Store.deliveryTargets), signed with its own secret.
import { invalid, missingParam } from '../core/errors';
import { newId } from '../core/ids';
import { applyMetadata, array, bool, checkUrl, nullable, requiredStr, str } from '../core/params';
import { clone, now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { isThisMachine } from '../core/webhooks';

/** `*`, or a type as Stripe names them: `charge.refunded`, `customer.subscription.paused`. */
const EVENT_TYPE = /^(\*|[a-z_]+(\.[a-z_]+)+)$/;
/** `2026-10-28.endive`, `2023-08-16`. */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

function enabledEvents(params: StripeObject): string[] | undefined {
  const events = array(params, 'enabled_events');
  if (events === undefined) return undefined;
  if (events.length === 0) throw missingParam('enabled_events');
  return events.map((type, index) => {
    if (typeof type !== 'string' || !EVENT_TYPE.test(type)) throw invalid(`Invalid enabled_events[${index}]: ${JSON.stringify(type)} is not an event type`, `enabled_events[${index}]`);
    return type;
  });
}

/** The local Stripe only ever calls this machine: an endpoint elsewhere would never hear from it. */
function localUrl(value: string, param: string): string {
  checkUrl(value, param);
  if (!isThisMachine(value)) throw invalid(`The local Stripe delivers webhooks only to http(s) URLs on 127.0.0.1, ::1 or localhost, not ${value}`, param, 'url_invalid');
  return value;
}

export function createWebhookEndpoint(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const url = localUrl(requiredStr(params, 'url'), 'url');
  const events = enabledEvents(params);
  if (!events) throw missingParam('enabled_events');
  const apiVersion = str(params, 'api_version');
  if (apiVersion !== undefined && !API_VERSION.test(apiVersion)) throw invalid(`Invalid api_version: ${apiVersion}`, 'api_version');
  const endpoint: StripeObject = {
    ...store.fixture('webhook_endpoint'),
    id: newId.webhookEndpoint(),
    object: 'webhook_endpoint',
    api_version: apiVersion ?? null,
    application: null,
    created: ctx.created ?? now(),
    description: nullable(str(params, 'description')) ?? null,
    enabled_events: events,
    livemode: false,
    metadata: applyMetadata({}, params),
    status: 'enabled',
    url,
  };
  bool(params, 'connect'); // accepted as Stripe does; the local Stripe has no connected accounts
  const secret = newId.webhookSecret();
  store.webhookSecrets.set(endpoint.id, secret);
  store.put('webhook_endpoint', endpoint);
  return { ...clone(endpoint), secret };
}

export function updateWebhookEndpoint(store: Store, id: string, params: StripeObject): StripeObject {
  const endpoint = store.must('webhook_endpoint', id, 'webhook_endpoint');
  const url = str(params, 'url');
  if (url !== undefined) endpoint.url = localUrl(url, 'url');
  const events = enabledEvents(params);
  if (events) endpoint.enabled_events = events;
  const disabled = bool(params, 'disabled');
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  const description = str(params, 'description');
  if (description !== undefined) endpoint.description = nullable(description);
  endpoint.metadata = applyMetadata(endpoint.metadata ?? {}, params);
  store.put('webhook_endpoint', endpoint);
  return endpoint;
}

export function deleteWebhookEndpoint(store: Store, id: string): StripeObject {
  store.must('webhook_endpoint', id, 'webhook_endpoint');
  store.map('webhook_endpoint').delete(id);
  store.webhookSecrets.delete(id);
  store.onChange?.();
  return { ...store.fixture('deleted_webhook_endpoint'), id, object: 'webhook_endpoint', deleted: true };
}

export function listWebhookEndpoints(store: Store, params: StripeObject) {
  return store.list('webhook_endpoint', params, () => true);
}
