// The customer portal's page: the customer's subscriptions and a way back to the shop.
import type http from 'node:http';
import { sendHtml } from '../core/respond';
import type { Store } from '../core/store';
import { escapeHtml, page } from './layout';

export function portalPage(store: Store, res: http.ServerResponse, id: string): void {
  const session = store.portalSessions.get(id);
  if (!session) return sendHtml(res, 404, page('Portal not found', '<p>No such portal session.</p>'));
  const subscriptions = [...store.map('subscription').values()].filter((sub) => sub.customer === session.customer);
  const rows = subscriptions.map((sub) => `<li data-subscription="${escapeHtml(sub.id)}">${escapeHtml(sub.id)}: ${escapeHtml(sub.status)}</li>`).join('');
  const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to the shop</a></p>` : '';
  sendHtml(res, 200, page('Local customer portal — test only', `<p data-testid="portal-customer">Customer <code>${escapeHtml(session.customer)}</code></p><ul>${rows}</ul>${back}`));
}
