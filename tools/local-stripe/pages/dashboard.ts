// The local Stripe's dashboard (GET /): payments, sessions, products, subscriptions and events,
// with the actions a seller takes in Stripe's dashboard. Each action goes through the same
// resource code as the API, so it changes the same objects and records the events Stripe
// sends for it; then it waits for their delivery and comes back here.
import type http from 'node:http';
import { StripeApiError } from '../core/errors';
import { newId } from '../core/ids';
import { readBody, redirect, sendHtml } from '../core/respond';
import { closeDispute, createRefund, openDispute } from '../resources/charges';
import { createPrice, updatePrice } from '../resources/prices';
import { updateProduct } from '../resources/products';
import { cancelSubscription, renewSubscription, updateSubscription } from '../resources/subscriptions';
import { updateWebhookEndpoint } from '../resources/webhook-endpoints';
import type { Store } from '../core/store';
import type { MailCatcher } from '../resources/mail';
import type { RequestContext, StripeObject } from '../core/types';
import { escapeHtml, formatMoney } from './layout';

type Action = (store: Store, form: URLSearchParams, ctx: RequestContext) => string;

const field = (form: URLSearchParams, name: string): string => {
  const value = form.get(name)?.trim();
  if (!value) throw new StripeApiError(400, 'invalid_request_error', `${name} is required`);
  return value;
};

/** Whole currency units as typed ("12.50") → minor units. */
function minorUnits(text: string): number {
  if (!/^\d+(\.\d{1,2})?$/.test(text)) throw new StripeApiError(400, 'invalid_request_error', `"${text}" is not an amount like 12.50`);
  return Math.round(Number(text) * 100);
}

const ACTIONS: Record<string, Action> = {
  refund: (store, form, ctx) => {
    const amount = form.get('amount')?.trim();
    const refund = createRefund(store, { charge: field(form, 'charge'), ...(amount ? { amount: String(minorUnits(amount)) } : {}) }, ctx);
    return `Refunded ${formatMoney(refund.amount, refund.currency)} of ${refund.charge}.`;
  },
  dispute: (store, form, ctx) => `Dispute ${openDispute(store, field(form, 'charge'), 'fraudulent', ctx).id} opened.`,
  'win-dispute': (store, form, ctx) => `Dispute ${closeDispute(store, field(form, 'charge'), 'won', ctx).id} won.`,
  'lose-dispute': (store, form, ctx) => `Dispute ${closeDispute(store, field(form, 'charge'), 'lost', ctx).id} lost.`,
  rename: (store, form, ctx) => `Renamed to ${updateProduct(store, field(form, 'product'), { name: field(form, 'name') }, ctx).name}.`,
  reprice: (store, form, ctx) => {
    // Stripe's prices never change: the dashboard makes a new one, makes it the default, archives the old.
    const product = store.must('product', field(form, 'product'));
    const old = product.default_price ? store.find('price', product.default_price) : undefined;
    const price = createPrice(
      store,
      {
        product: product.id,
        currency: old?.currency ?? 'usd',
        unit_amount: String(minorUnits(field(form, 'amount'))),
        ...(old?.recurring ? { recurring: { interval: old.recurring.interval, interval_count: String(old.recurring.interval_count ?? 1) } } : {}),
        metadata: old?.metadata ?? {},
      },
      ctx,
    );
    updateProduct(store, product.id, { default_price: price.id }, ctx);
    if (old) updatePrice(store, old.id, { active: 'false' }, ctx);
    return `${product.name} now costs ${formatMoney(price.unit_amount, price.currency)}.`;
  },
  archive: (store, form, ctx) => `Archived ${updateProduct(store, field(form, 'product'), { active: 'false' }, ctx).name}.`,
  unarchive: (store, form, ctx) => `Restored ${updateProduct(store, field(form, 'product'), { active: 'true' }, ctx).name}.`,
  cancel: (store, form, ctx) => `Canceled ${cancelSubscription(store, field(form, 'subscription'), {}, ctx).id}.`,
  'cancel-at-period-end': (store, form, ctx) => `${updateSubscription(store, field(form, 'subscription'), { cancel_at_period_end: 'true' }, ctx).id} cancels at the period's end.`,
  pause: (store, form, ctx) => `Paused ${updateSubscription(store, field(form, 'subscription'), { pause_collection: { behavior: 'void' } }, ctx).id}.`,
  resume: (store, form, ctx) => `Resumed ${updateSubscription(store, field(form, 'subscription'), { pause_collection: '' }, ctx).id}.`,
  // As Stripe does after days of failed deliveries: a disabled endpoint is sent nothing until enabled again.
  'disable-endpoint': (store, form) => `Disabled ${updateWebhookEndpoint(store, field(form, 'endpoint'), { disabled: 'true' }).id}: it receives no events.`,
  'enable-endpoint': (store, form) => `Enabled ${updateWebhookEndpoint(store, field(form, 'endpoint'), { disabled: 'false' }).id}.`,
  renew: (store, form, ctx) => renewed(renewSubscription(store, field(form, 'subscription'), 'pay', ctx)),
  'fail-renewal': (store, form, ctx) => renewed(renewSubscription(store, field(form, 'subscription'), 'fail', ctx)),
  resend: (store, form) => {
    const event = store.must('event', field(form, 'event'));
    store.webhooks.send(event, store.deliveryTargets(event.type));
    return `Sent ${event.type} ${event.id} again.`;
  },
};

function renewed({ subscription, invoice }: { subscription: StripeObject; invoice: StripeObject }): string {
  const paid = invoice.status === 'paid';
  return `${subscription.id} ${paid ? 'renewed' : 'failed to renew'}: invoice ${invoice.id} ${paid ? `paid ${formatMoney(invoice.amount_paid, invoice.currency)}` : 'open, payment failed'}; the subscription is ${subscription.status}.`;
}

/** GET / shows the dashboard; POST /dashboard/<action> acts, then 303 back with what happened. */
export async function dashboard(store: Store, req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string, mail: MailCatcher): Promise<void> {
  if (method === 'GET') return sendHtml(res, 200, dashboardPage(store, mail, url.searchParams.get('done'), url.searchParams.get('error')));
  const action = ACTIONS[url.pathname.slice('/dashboard/'.length)];
  if (method !== 'POST' || !action) return sendHtml(res, 404, dashboardPage(store, mail, null, 'no such action'));
  const form = new URLSearchParams(await readBody(req));
  const ctx: RequestContext = { requestId: newId.request(), idempotencyKey: null, apiVersion: null };
  let outcome: string;
  try {
    outcome = `done=${encodeURIComponent(action(store, form, ctx))}`;
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    outcome = `error=${encodeURIComponent(error.message)}`;
  }
  await store.webhooks.flush();
  redirect(res, `/?${outcome}`);
}

const when = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19) : '—');

function form(action: string, hidden: Record<string, string>, body: string): string {
  const inputs = Object.entries(hidden).map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`).join('');
  return `<form method="post" action="/dashboard/${action}">${inputs}${body}</form>`;
}

/** A closed dispute's outcome after "disputed": " (won)" or " (lost)". */
function disputeOutcome(store: Store, chargeId: string): string {
  const status = store.all('dispute').find((d) => d.charge === chargeId)?.status;
  return status === 'won' || status === 'lost' ? ` (${status})` : '';
}

function paymentsSection(store: Store): string {
  const charges = store.all('charge').reverse();
  const rows = charges.map((charge) => {
    const state = charge.disputed ? `disputed${disputeOutcome(store, charge.id)}` : charge.refunded ? 'refunded' : charge.amount_refunded > 0 ? 'partially refunded' : 'succeeded';
    const session = store.all('checkout.session').find((s) => s.payment_intent === charge.payment_intent || (s.invoice && store.invoicePayments.get(s.invoice)?.some((p) => p.payment.payment_intent === charge.payment_intent)));
    const open = !charge.refunded && !charge.disputed;
    const dispute = store.all('dispute').find((d) => d.charge === charge.id);
    const disputeOpen = dispute !== undefined && dispute.status !== 'won' && dispute.status !== 'lost';
    return `<tr data-charge="${escapeHtml(charge.id)}" data-session="${escapeHtml(session?.id ?? '')}">
<td>${when(charge.created)}</td><td>${escapeHtml(formatMoney(charge.amount, charge.currency))}</td><td data-state>${state}${charge.amount_refunded ? ` (${escapeHtml(formatMoney(charge.amount_refunded, charge.currency))} back)` : ''}</td>
<td>${escapeHtml(session?.customer_details?.email ?? charge.customer ?? '')}<br><code>${escapeHtml(charge.id)}</code></td>
<td>${open ? form('refund', { charge: charge.id }, `<button name="full">Refund all</button>`) + form('refund', { charge: charge.id }, `<input name="amount" inputmode="decimal" placeholder="5.00" size="6" aria-label="Amount to refund"><button>Refund part</button>`) + form('dispute', { charge: charge.id }, `<button>Dispute</button>`) : ''}${disputeOpen ? form('win-dispute', { charge: charge.id }, `<button>Win dispute</button>`) + form('lose-dispute', { charge: charge.id }, `<button>Lose dispute</button>`) : ''}</td></tr>`;
  });
  return `<section id="payments"><h2>Payments</h2><table><thead><tr><th>When</th><th>Amount</th><th>Status</th><th>Buyer · charge</th><th></th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="5">No payments yet: buy something in the shop.</td></tr>'}</tbody></table></section>`;
}

function sessionsSection(store: Store): string {
  const rows = store.all('checkout.session').reverse().slice(0, 50).map((s) => `<tr data-session="${escapeHtml(s.id)}"><td>${when(s.created)}</td><td>${escapeHtml(s.mode)}</td><td>${escapeHtml(s.status)} · ${escapeHtml(s.payment_status)}</td><td>${escapeHtml(formatMoney(s.amount_total, s.currency))}</td><td><code>${escapeHtml(s.client_reference_id ?? '')}</code></td><td>${s.status === 'open' && s.url ? `<a href="${escapeHtml(s.url)}">open</a>` : ''}</td></tr>`);
  return `<section id="sessions"><h2>Checkout Sessions</h2><table><thead><tr><th>When</th><th>Mode</th><th>Status</th><th>Total</th><th>Buyer reference</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function productsSection(store: Store): string {
  const rows = store.all('product').map((product) => {
    const price = product.default_price ? store.find('price', product.default_price) : undefined;
    const shown = price ? `${formatMoney(price.unit_amount, price.currency)}${price.recurring ? ` / ${escapeHtml(price.recurring.interval)}` : ''}` : '—';
    const amount = price ? (price.unit_amount / 100).toFixed(2) : '';
    return `<tr data-product="${escapeHtml(product.id)}" data-catalog-id="${escapeHtml(product.metadata?.catalog_id ?? '')}"><td>${form('rename', { product: product.id }, `<input name="name" value="${escapeHtml(product.name)}" aria-label="Name"><button>Rename</button>`)}</td>
<td>${form('reprice', { product: product.id }, `<span>${escapeHtml(shown)}</span> <input name="amount" value="${amount}" inputmode="decimal" size="6" aria-label="New price"><button>New price</button>`)}</td>
<td>${product.active ? 'active' : 'archived'}</td><td>${form(product.active ? 'archive' : 'unarchive', { product: product.id }, `<button>${product.active ? 'Archive' : 'Restore'}</button>`)}</td></tr>`;
  });
  return `<section id="products"><h2>Products</h2><table><thead><tr><th>Name</th><th>Price</th><th>Status</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function subscriptionsSection(store: Store): string {
  const rows = store.all('subscription').reverse().map((sub) => {
    const customer = store.find('customer', sub.customer);
    const names = (sub.items.data as StripeObject[]).map((item) => store.find('product', item.price.product)?.name ?? item.price.product).join(', ');
    const status = `${sub.status}${sub.pause_collection ? ' (paused)' : ''}${sub.cancel_at_period_end ? ' (cancels at period end)' : ''}`;
    const live = sub.status !== 'canceled';
    const buttons = live
      ? form('cancel', { subscription: sub.id }, '<button>Cancel now</button>') +
        (sub.cancel_at_period_end ? '' : form('cancel-at-period-end', { subscription: sub.id }, '<button>Cancel at period end</button>')) +
        form(sub.pause_collection ? 'resume' : 'pause', { subscription: sub.id }, `<button>${sub.pause_collection ? 'Resume' : 'Pause payments'}</button>`) +
        (sub.pause_collection ? '' : form('renew', { subscription: sub.id }, '<button>Renew one period</button>') + form('fail-renewal', { subscription: sub.id }, '<button>Fail the renewal</button>'))
      : '';
    const period = (sub.items.data as StripeObject[])[0];
    const invoices = store.all('invoice').filter((invoice) => invoice.parent?.subscription_details?.subscription === sub.id);
    return `<tr data-subscription="${escapeHtml(sub.id)}"><td>${escapeHtml(names)}</td><td>${escapeHtml(customer?.email ?? sub.customer)}</td><td data-state>${escapeHtml(status)}</td><td>${when(period?.current_period_start)} – ${when(period?.current_period_end)}<br><span data-invoices>${invoices.length} invoice${invoices.length === 1 ? '' : 's'} (${invoices.filter((invoice) => invoice.status === 'paid').length} paid)</span></td><td>${buttons}</td></tr>`;
  });
  return `<section id="subscriptions"><h2>Subscriptions</h2><table><thead><tr><th>Products</th><th>Customer</th><th>Status</th><th>Current period</th><th></th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="5">None yet.</td></tr>'}</tbody></table></section>`;
}

function endpointsSection(store: Store): string {
  const rows = store.all('webhook_endpoint').map((endpoint) => {
    const enabled = endpoint.status === 'enabled';
    const button = form(enabled ? 'disable-endpoint' : 'enable-endpoint', { endpoint: endpoint.id }, `<button>${enabled ? 'Disable' : 'Enable'}</button>`);
    return `<tr data-endpoint="${escapeHtml(endpoint.id)}"><td><code>${escapeHtml(endpoint.url)}</code></td><td data-state>${escapeHtml(endpoint.status)}</td><td>${button}</td></tr>`;
  });
  return `<section id="endpoints"><h2>Webhook endpoints</h2><table><thead><tr><th>URL</th><th>Status</th><th></th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="3">None yet.</td></tr>'}</tbody></table></section>`;
}

function eventsSection(store: Store): string {
  const deliveries = store.webhooks.deliveries;
  const rows = store.all('event').reverse().slice(0, 100).map((event) => {
    const tries = deliveries.filter((d) => d.eventId === event.id);
    const last = tries.at(-1);
    const subscribed = store.deliveryTargets(event.type).length > 0;
    const delivered = last ? `${last.status ?? last.error ?? '—'} (${tries.length} ${tries.length === 1 ? 'try' : 'tries'})` : subscribed ? 'queued' : 'no endpoint';
    return `<tr data-event="${escapeHtml(event.id)}"><td>${when(event.created)}</td><td><code>${escapeHtml(event.type)}</code></td><td><code>${escapeHtml(event.data.object.id ?? '')}</code></td><td>${escapeHtml(delivered)}</td><td>${subscribed ? form('resend', { event: event.id }, '<button>Resend</button>') : ''}</td></tr>`;
  });
  return `<section id="events"><h2>Events (newest 100)</h2><table><thead><tr><th>When</th><th>Type</th><th>Object</th><th>Webhook</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** The newest messages the shop sent through the mail catcher; each one in full on /mail. */
function mailSection(mail: MailCatcher): string {
  const rows = mail.messages
    .slice(-10)
    .reverse()
    .map((message) => `<tr data-mail="${escapeHtml(message.id)}"><td>${escapeHtml(message.sentAt.replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(message.to.join(', '))}</td><td>${escapeHtml(message.subject)}</td></tr>`);
  return `<section id="mail"><h2>Mail (newest 10)</h2><p>What the shop emailed, kept here instead of sent: <a href="/mail">read every message</a>.</p><table><thead><tr><th>Sent</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="3">No mail yet.</td></tr>'}</tbody></table></section>`;
}

function dashboardPage(store: Store, mail: MailCatcher, done: string | null, error: string | null): string {
  const targets = store.webhooks.targetsWith(store.all('webhook_endpoint').filter((endpoint) => endpoint.status === 'enabled').map((endpoint) => ({ url: endpoint.url, secret: '' })));
  const notice = done ? `<p class="done" role="status">${escapeHtml(done)}</p>` : error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Local Stripe — dashboard</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:0 1rem 3rem;color:#1f2933}
.banner{background:#fde68a;padding:.5rem 1rem;border-radius:.25rem;font-weight:600}nav a{margin-right:1rem}
table{width:100%;border-collapse:collapse;margin:.5rem 0 2rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e7eb;vertical-align:top}
form{display:inline-flex;gap:.25rem;margin:0 .25rem .25rem 0}button{padding:.2rem .6rem}.done{background:#d1fae5;padding:.5rem 1rem}.error{background:#fee2e2;padding:.5rem 1rem}code{font-size:.85em}</style>
</head><body>
<p class="banner" role="note">Local Stripe — test only. Stripe's API at <code>${escapeHtml(store.baseUrl)}/v1</code>; no real payment happens here.</p>
<h1>Local Stripe dashboard</h1>
<p>Webhooks to ${targets.length ? targets.map((target) => `<code>${escapeHtml(target.url)}</code>`).join(', ') : '<code>no endpoint yet</code>'}, each signed with its endpoint's secret. Every action here sends the events Stripe sends for it.</p>
<nav><a href="#mail">Mail</a><a href="#payments">Payments</a><a href="#sessions">Checkout Sessions</a><a href="#products">Products</a><a href="#subscriptions">Subscriptions</a><a href="#endpoints">Webhook endpoints</a><a href="#events">Events</a></nav>
${notice}
${mailSection(mail)}
${paymentsSection(store)}
${productsSection(store)}
${subscriptionsSection(store)}
${sessionsSection(store)}
${endpointsSection(store)}
${eventsSection(store)}
</body></html>`;
}
