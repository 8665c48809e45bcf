// The back office's calls to /api/admin/*. Behind Cloudflare Access the browser's Access
// cookie is enough; otherwise the seller enters SYNC_TOKEN once, kept in this tab's
// sessionStorage (gone when the tab closes) and sent as a bearer.
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

function headers(json: boolean): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) };
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const response = await fetch(`/api/admin/${path}`, {
    method,
    headers: headers(method === 'POST'),
    credentials: 'same-origin',
    cache: 'no-store',
    ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
  });
  if (!response.ok) {
    const message = await response
      .json()
      .then((b: { error?: string }) => b.error ?? response.statusText)
      .catch(() => response.statusText);
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T>(path: string, body: object = {}) => call<T>('POST', path, body);

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
