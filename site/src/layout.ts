// Shared page chrome: the cart badge, a live region and the page title. (The test-mode badge is
// set at build, so it does not appear after load and move the header.)
import { catalog } from '../../catalog';
import { CART_KEY, itemCount, loadCart, type Cart } from './cart';

export function initLayout(): void {
  updateCartBadge();
  // Another tab changed the cart.
  window.addEventListener('storage', (event) => {
    if (event.key === CART_KEY || event.key === null) updateCartBadge();
  });
}

/** Shows the number of units in the cart on the header's `a#cart-link` / `span#cart-count`. */
export function updateCartBadge(cart: Cart = loadCart()): void {
  const count = itemCount(cart);
  const link = document.getElementById('cart-link');
  const counter = document.getElementById('cart-count');
  if (counter) counter.textContent = String(count);
  if (link) {
    link.dataset.count = String(count);
    link.setAttribute('aria-label', `Cart, ${count} ${count === 1 ? 'item' : 'items'}`);
  }
}

let announcer: HTMLElement | null = null;

/** Says something to screen readers without moving focus (a polite live region). */
export function announce(message: string): void {
  if (!announcer) {
    announcer = document.createElement('p');
    announcer.className = 'visually-hidden';
    announcer.setAttribute('aria-live', 'polite');
    announcer.id = 'announcer';
    document.body.append(announcer);
  }
  const region = announcer;
  // Cleared first so repeating the same message is announced again.
  region.textContent = '';
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/** "Part — Shop name", or just the shop name. */
export function setTitle(part?: string): void {
  document.title = part ? `${part} — ${catalog.shopName}` : catalog.shopName;
}
