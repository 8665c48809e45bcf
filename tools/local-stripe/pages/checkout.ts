// The hosted checkout: GET /pay/:sessionId shows the session with Pay and Cancel; a visit to
// a Payment Link (/pay-link/:id) starts a session and lands there.
import type http from 'node:http';
import { StripeApiError } from '../core/errors';
import { readBody, redirect, sendHtml } from '../core/respond';
import { chooseShippingRate, completeSession, settleDelayedPayment } from '../resources/checkout-sessions';
import { applyPromotionCode } from '../resources/promotion-codes';
import { lineItemObject } from '../resources/line-items';
import { sessionFromPaymentLink } from '../resources/payment-links';
import type { Store } from '../core/store';
import type { CheckoutForm, RequestContext, StripeObject } from '../core/types';
import { escapeHtml, formatMoney, page } from './layout';

/** How long a bank debit takes to succeed or fail here. */
const DELAYED_PAYMENT_MS = 3000;

export async function checkoutPages(store: Store, req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
  const ctx: RequestContext = { requestId: null, idempotencyKey: null, apiVersion: null };
  const link = /^\/pay-link\/([^/]+)$/.exec(url.pathname);
  if (link && method === 'GET') {
    try {
      const session = sessionFromPaymentLink(store, decodeURIComponent(link[1]!), url.searchParams, ctx);
      return redirect(res, `/pay/${session.id}`);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      return sendHtml(res, error.status === 404 ? 404 : 410, page('Link unavailable', `<p>${escapeHtml(error.message)}</p>`));
    }
  }
  const pay = /^\/pay\/([^/]+)$/.exec(url.pathname);
  if (!pay) return sendHtml(res, 404, page('Not found', '<p>Nothing here.</p>'));
  const session = store.find('checkout.session', decodeURIComponent(pay[1]!));
  if (!session) return sendHtml(res, 404, page('Checkout not found', `<p>No such checkout session.</p>`));

  if (method === 'GET') return sendHtml(res, 200, checkoutPage(store, session));
  if (method !== 'POST') return sendHtml(res, 405, page('Method not allowed', ''));

  const form = new URLSearchParams(await readBody(req));
  const action = form.get('action');
  if (session.status !== 'open') return sendHtml(res, 409, checkoutPage(store, session));
  if (action === 'cancel') {
    if (session.cancel_url) return redirect(res, session.cancel_url);
    return sendHtml(res, 200, page('Checkout canceled', '<p>You canceled this checkout. Nothing was charged.</p>'));
  }
  if (action !== 'pay' && action !== 'pay_later' && action !== 'fail' && action !== 'apply' && action !== 'shipping') return sendHtml(res, 400, page('Bad request', '<p>Unknown action.</p>'));
  const typed: CheckoutForm = {
    promotionCode: form.get('promotion_code') ?? undefined,
    shipping: Object.fromEntries(['name', 'line1', 'line2', 'city', 'state', 'postal_code', 'country'].map((field) => [field, form.get(`shipping_${field}`) ?? undefined])),
    phone: form.get('phone') ?? undefined,
    shippingRate: form.get('shipping_rate') ?? undefined,
  };
  const delayed = (action === 'pay_later' || action === 'fail') && session.mode === 'payment';
  let completed: StripeObject;
  try {
    if (action === 'shipping') {
      chooseShippingRate(session, typed.shippingRate ?? '');
      return sendHtml(res, 200, checkoutPage(store, session, form));
    }
    if (action === 'apply') {
      applyPromotionCode(store, session, typed.promotionCode ?? '');
      return sendHtml(res, 200, checkoutPage(store, session, form));
    }
    // A code already applied stays; one typed and not yet applied is applied with the payment.
    const code = typed.promotionCode?.trim() && session.discounts?.length ? undefined : typed.promotionCode;
    completed = completeSession(store, session.id, form.get('email') || undefined, ctx, { ...typed, promotionCode: code }, delayed ? (action === 'fail' ? 'fail' : 'pay_later') : 'pay');
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    return sendHtml(res, 400, checkoutPage(store, session, form, error.message));
  }
  if (delayed) {
    // The bank answers a little later, as a debit does: long enough to see the order pending.
    setTimeout(() => {
      try {
        settleDelayedPayment(store, session.id, action === 'pay_later', ctx);
      } catch {
        // reset in the meantime
      }
    }, DELAYED_PAYMENT_MS);
  }
  await store.webhooks.flush();
  const next = completed.success_url ?? completed.return_url;
  if (next) return redirect(res, String(next).replace(/\{CHECKOUT_SESSION_ID\}|%7BCHECKOUT_SESSION_ID%7D/gi, completed.id));
  return sendHtml(res, 200, page('Payment complete', `<p data-testid="complete">Thanks! Payment complete (test mode). Session <code>${escapeHtml(completed.id)}</code>.</p>`));
}

/** The fields for what the session collects: a promotion code, a shipping address, a phone. */
function optionFields(store: Store, session: StripeObject, typed: URLSearchParams): string {
  const value = (name: string) => escapeHtml(typed.get(name) ?? '');
  const parts: string[] = [];
  if (session.allow_promotion_codes) {
    const applied = session.discounts?.length
      ? `<p data-testid="discount">Discount: −${escapeHtml(formatMoney(session.total_details?.amount_discount ?? 0, session.currency))}</p>`
      : '';
    parts.push(`<label>Promotion code <input name="promotion_code" value="${value('promotion_code')}" autocomplete="off"></label>
<button type="submit" name="action" value="apply">Apply</button>${applied}`);
  }
  const allowed: string[] | undefined = session.shipping_address_collection?.allowed_countries;
  if (allowed) {
    const field = (name: string, label: string) => `<label>${label} <input name="shipping_${name}" value="${value(`shipping_${name}`)}" autocomplete="shipping ${name}"></label>`;
    const options = allowed.map((country) => `<option${typed.get('shipping_country') === country ? ' selected' : ''}>${escapeHtml(country)}</option>`).join('');
    parts.push(`<fieldset data-testid="shipping"><legend>Shipping address</legend>
${field('name', 'Name')} ${field('line1', 'Address line 1')} ${field('line2', 'Address line 2')} ${field('city', 'City')} ${field('state', 'State')} ${field('postal_code', 'Postal code')}
<label>Country <select name="shipping_country">${options}</select></label></fieldset>`);
  }
  const options = (session.shipping_options ?? []) as { shipping_amount: number; shipping_rate: string }[];
  if (options.length > 0) {
    const chosen = typed.get('shipping_rate') ?? session.shipping_cost?.shipping_rate;
    const choice = (option: { shipping_amount: number; shipping_rate: string }) => {
      const rate = store.find('shipping_rate', option.shipping_rate);
      const days = deliveryEstimate(rate?.delivery_estimate);
      const label = `${rate?.display_name ?? option.shipping_rate} — ${formatMoney(option.shipping_amount, session.currency)}${days ? ` (${days})` : ''}`;
      return `<label><input type="radio" name="shipping_rate" value="${escapeHtml(option.shipping_rate)}"${option.shipping_rate === chosen ? ' checked' : ''}> <span data-testid="shipping-rate">${escapeHtml(label)}</span></label>`;
    };
    parts.push(`<fieldset data-testid="shipping-options"><legend>Shipping method</legend>
${options.map(choice).join('<br>\n')}
<button type="submit" name="action" value="shipping">Update total</button></fieldset>`);
  }
  if (session.phone_number_collection?.enabled) parts.push(`<label>Phone <input type="tel" name="phone" value="${value('phone')}"></label>`);
  return parts.join('\n');
}

/** `3–7 business days`, as the checkout shows a rate's delivery estimate. */
function deliveryEstimate(estimate: { minimum?: { unit: string; value: number } | null; maximum?: { unit: string; value: number } | null } | null | undefined): string {
  const { minimum, maximum } = estimate ?? {};
  const unit = (bound: { unit: string; value: number }) => `${bound.unit.replace('_', ' ')}${bound.value === 1 ? '' : 's'}`;
  if (minimum && maximum) return `${minimum.value}–${maximum.value} ${unit(maximum)}`;
  const only = minimum ?? maximum;
  return only ? `${maximum ? 'up to ' : 'from '}${only.value} ${unit(only)}` : '';
}

function checkoutPage(store: Store, session: StripeObject, typed = new URLSearchParams(), error?: string): string {
  const items = (store.lineItems.get(session.id) ?? []).map((i) => lineItemObject(store, i));
  const rows = items
    .map((item) => `<tr><td>${escapeHtml(item.description)}</td><td>× ${item.quantity}</td><td>${escapeHtml(formatMoney(item.amount_total, item.currency))}${item.price?.recurring ? ` / ${escapeHtml(item.price.recurring.interval)}` : ''}</td></tr>`)
    .join('');
  const shippingCost = session.shipping_cost ? `<p>Shipping: <span data-testid="shipping-cost">${escapeHtml(formatMoney(session.shipping_cost.amount_total, session.currency))}</span></p>` : '';
  const total = `${shippingCost}<p class="total">Total: <strong data-testid="total">${escapeHtml(formatMoney(session.amount_total, session.currency))}</strong></p>`;
  if (session.status !== 'open') {
    return page('Local Stripe Checkout — test only', `<p data-testid="status">This checkout session is ${escapeHtml(session.status)}.</p><table>${rows}</table>${total}`);
  }
  const email = session.customer_email ?? (session.customer ? store.find('customer', session.customer)?.email : null) ?? '';
  return page(
    'Local Stripe Checkout — test only',
    `<p>Mode: ${escapeHtml(session.mode)}</p>
<table>${rows}</table>
${total}
<form method="post" action="/pay/${escapeHtml(session.id)}">
<label>Email <input type="email" name="email" value="${escapeHtml(typed.get('email') ?? email)}" placeholder="buyer@example.com"></label>
${optionFields(store, session, typed)}
${error ? `<p role="alert" data-testid="error">${escapeHtml(error)}</p>` : ''}
<button type="submit" name="action" value="pay"${session.ui_mode === 'embedded_page' ? ' formtarget="_top"' : ''}>Pay</button>
${session.mode === 'payment' ? `<button type="submit" name="action" value="pay_later"${session.ui_mode === 'embedded_page' ? ' formtarget="_top"' : ''}>Pay later (bank debit: pending, then succeeds)</button>\n<button type="submit" name="action" value="fail"${session.ui_mode === 'embedded_page' ? ' formtarget="_top"' : ''}>Pay and fail (bank debit: pending, then fails)</button>` : ''}
${session.ui_mode === 'embedded_page' ? '' : '<button type="submit" name="action" value="cancel">Cancel</button>'}
</form>`,
  );
}
