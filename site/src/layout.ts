// Shared page chrome: the test-mode badge and the page title.
import { catalog } from '../catalog';
import { STRIPE_MODE } from './config';

export function initLayout(): void {
  const badge = document.getElementById('mode-badge');
  if (badge) badge.hidden = STRIPE_MODE === 'live';
}

/** "Part — Shop name", or just the shop name. */
export function setTitle(part?: string): void {
  document.title = part ? `${part} — ${catalog.shopName}` : catalog.shopName;
}
