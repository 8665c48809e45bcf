// The back office's calls to /api/admin/*, through a typed client of the worker's admin routes
// (`AdminRoutes`, worker/routes/admin.ts): paths, bodies and answers are checked by the compiler.
// Behind Cloudflare Access the browser's Access cookie is enough; otherwise the seller enters
// SYNC_TOKEN once, kept in this tab's sessionStorage (gone when the tab closes) and sent as a bearer.
import { hc, type ClientResponse } from 'hono/client';
import type { AdminRoutes } from '../../../worker/routes/admin';
import { byId, h } from '../../src/dom';

const TOKEN_KEY = 'backOfficeToken';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function bearer(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** The admin API: `admin.orders[':id'].$get({ param: { id } })`; its answers are never cached. */
export const admin = hc<AdminRoutes>(new URL('/api/admin/', location.origin).href, {
  headers: bearer,
  init: { credentials: 'same-origin', cache: 'no-store' },
});

/** The body of a successful answer; an error answer becomes an ApiError carrying the worker's message. */
export async function answer<T>(request: Promise<ClientResponse<T>>): Promise<T> {
  const response = await request;
  if (!response.ok) {
    const message = await (response as unknown as Response)
      .json()
      .then((b: { error?: string }) => b.error ?? response.statusText)
      .catch(() => response.statusText);
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}

/** The shared bar (site/partials/admin_bar.html) marks where the seller is: an order and a customer are under Orders. */
function markCurrentSection(): void {
  const path = ['/admin/order', '/admin/customer'].includes(location.pathname) ? '/admin/' : location.pathname.replace(/\.html$/, '').replace(/\/index$/, '/');
  for (const link of document.querySelectorAll<HTMLAnchorElement>('header.bar nav a')) {
    if (link.getAttribute('href') === path) link.setAttribute('aria-current', 'page');
  }
}
markCurrentSection();

export function notice(message: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const box = byId('notice');
  box.replaceChildren(message ? h('p', { class: `notice notice--${kind}` }, message) : '');
}

/**
 * Runs a page's loader; when the worker wants the bearer (401) asks for the token once,
 * and when the back office is absent (404) says how to turn it on.
 */
export async function withAccess(load: () => Promise<void>): Promise<void> {
  try {
    await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return askForToken(load, sessionStorage.getItem(TOKEN_KEY) !== null);
    if (error instanceof ApiError && error.status === 404 && /^no route/.test(error.message)) {
      notice('The back office is not enabled: configure Cloudflare Access (ACCESS_TEAM_DOMAIN, ACCESS_AUD) or set SYNC_TOKEN.', 'error');
      return;
    }
    notice(error instanceof Error ? error.message : String(error), 'error');
  }
}

function askForToken(load: () => Promise<void>, wrong: boolean): void {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'card login', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Sign in'),
    h('p', {}, wrong ? 'That token was refused. ' : '', 'Enter the SYNC_TOKEN set with wrangler secret put. It is kept in this tab only.'),
    h('label', { for: 'token' }, 'Token'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    notice('');
    void withAccess(load);
  });
  notice('');
  byId('content').replaceChildren(form);
  input.focus();
}

/** Money in a currency's major unit, as Stripe counts minor units (JPY has none). */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function money(amount: number | null, currency: string | null): string {
  if (amount === null || !currency) return '—';
  const major = ZERO_DECIMAL.has(currency.toLowerCase()) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(major);
  } catch {
    return `${major} ${currency.toUpperCase()}`;
  }
}

/** Major units typed by the seller → Stripe's minor units. */
export function toMinorUnits(major: string, currency: string): number | null {
  const value = Number(major.replace(',', '.'));
  if (!Number.isFinite(value) || value <= 0) return null;
  return Math.round(ZERO_DECIMAL.has(currency.toLowerCase()) ? value : value * 100);
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge badge--${status}` }, status.replace('_', ' '));
}

/** An order named by every line it bought: `Field Notes Pattern Pack, 2 × Trail Map Print`; a cart order is never named by its first line. */
export function orderTitle(order: { lines: { name: string; quantity: number }[]; product: { name: string } | null }): string {
  if (order.lines.length === 0) return order.product?.name ?? 'Order';
  return order.lines.map((line) => (line.quantity > 1 ? `${line.quantity} × ${line.name}` : line.name)).join(', ');
}

/** A buyer's email as a link to their customer view: every order of theirs. */
export function buyerLink(email: string): HTMLElement {
  return h('a', { href: `/admin/customer?${new URLSearchParams({ email })}`, class: 'buyer' }, email);
}

/** A "Resync from Stripe" button for one mirrored object: refetches it, and says what differed. */
export function resyncButton(resource: 'products' | 'prices' | 'customers' | 'subscriptions', id: string, after?: () => Promise<void>): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'small resync', 'data-resync': `${resource}/${id}`, 'aria-label': `Resync ${id} from Stripe` }, 'Resync from Stripe');
  button.addEventListener('click', () => {
    button.disabled = true;
    void answer(admin.resync.$post({ json: { resource, id } }))
      .then(async (result) => {
        if (after) await after();
        notice(resyncMessage(result), 'ok');
      })
      .catch((error: unknown) => notice(error instanceof Error ? `Resync refused: ${error.message}` : String(error), 'error'))
      .finally(() => {
        button.disabled = false;
      });
  });
  return button;
}

/** What a resync did, in one sentence: what was refetched, and what it repaired. */
export function resyncMessage(result: { applied: string[]; differed: Record<string, string[]> }): string {
  const differed = Object.entries(result.differed).map(([object, fields]) => `${object}: ${fields.join(', ')}`);
  return `Resynced from Stripe: ${result.applied.join(', ')}.${differed.length ? ` Repaired ${differed.join('; ')}.` : ' The shop agreed with Stripe.'}`;
}
