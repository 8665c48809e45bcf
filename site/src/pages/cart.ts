// `/cart`: the cart, checked out through `POST ${API_BASE}/api/checkout` (a Stripe Checkout
// Session for all items). Offered only when the live catalog says the worker can check out.
import { findProduct, productPath } from '../../../catalog';
import { MAX_QUANTITY, MIN_QUANTITY } from '../../../contract/limits';
import { getBuyer } from '../buyer';
import {
  CART_KEY,
  cartTotalText,
  loadCart,
  removeItem,
  resolveCart,
  saveCart,
  setQuantity,
  type Cart,
  type CartItem,
  type CartLine,
} from '../cart';
import { checkoutRequest, startCheckout } from '../checkout';
import { API_BASE } from '../config';
import { byId, h, rerender, visuallyHidden } from '../dom';
import { announce, initLayout, updateCartBadge } from '../layout';
import { formatMoney, formatPrice } from '../../../catalog/money';
import { initialShop, loadShop, type Shop } from '../shop';

initLayout();

/** `loading`: the live catalog is on its way; `unavailable`: it could not be fetched. */
type Phase = 'loading' | 'live' | 'unavailable';

const list = byId<HTMLUListElement>('cart-items');
const empty = byId('cart-empty');
const summary = byId('cart-summary');
const total = byId('cart-total');
const notice = byId('cart-notice');
const errorRegion = byId('cart-error');
const checkoutButton = byId<HTMLButtonElement>('checkout');
const heading = byId('cart-heading');
const embedded = byId('embedded-checkout');

let shop: Shop = initialShop();
let phase: Phase = 'loading';
let inFlight = false;
/** An embedded checkout is on the page: its session holds the cart as it was, so the cart is frozen. */
let mounted = false;
let current: CartLine[] = [];

const productHref = productPath;

function quantitySelect(item: CartItem, name: string, index: number): HTMLElement {
  const id = `quantity-${index}`;
  const select = h(
    'select',
    { id, name: 'quantity', class: 'cart-item__select', 'data-quantity': item.productId },
    // The catalog's per-product limit is the worker's too (it refuses more); the cart offers no more.
    ...Array.from({ length: Math.min(MAX_QUANTITY, findProduct(item.productId)?.maxQuantity ?? MAX_QUANTITY) - MIN_QUANTITY + 1 }, (_, i) => {
      const n = MIN_QUANTITY + i;
      return h('option', { value: n, selected: n === item.quantity }, String(n));
    }),
  );
  select.addEventListener('change', () => {
    update(setQuantity(loadCart(), item.productId, Number(select.value)));
    announce(`${name}: quantity ${select.value}.`);
  });
  return h(
    'div',
    { class: 'cart-item__quantity' },
    h('label', { for: id, class: 'cart-item__label' }, 'Quantity', visuallyHidden(` of ${name}`)),
    select,
  );
}

function removeButton(productId: string, name: string): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'button button--secondary button--small', 'data-remove': productId },
    'Remove',
    visuallyHidden(` ${name}`),
  );
  button.addEventListener('click', () => {
    // Focus goes to the next item's Remove, else the previous one's, else the heading.
    const buttons = [...list.querySelectorAll<HTMLElement>('[data-remove]')];
    const at = buttons.indexOf(button);
    const nextId = (buttons[at + 1] ?? buttons[at - 1])?.dataset.remove;
    update(removeItem(loadCart(), productId));
    announce(`Removed ${name} from your cart.`);
    const next = [...list.querySelectorAll<HTMLElement>('[data-remove]')].find((el) => el.dataset.remove === nextId);
    (next ?? heading).focus();
  });
  return button;
}

function lineItem({ item, product }: CartLine, index: number): HTMLLIElement {
  const unit = formatPrice(product.price, product.interval);
  return h(
    'li',
    { class: 'cart-item', 'data-cart-item': product.id },
    h('img', { class: 'cart-item__image', src: product.image, alt: '', width: 96, height: 72 }),
    h(
      'div',
      { class: 'cart-item__info' },
      h('h2', { class: 'cart-item__name' }, h('a', { href: productHref(product.id) }, product.name)),
      h('p', { class: 'cart-item__unit', 'data-unit-price': product.id }, unit, h('span', { class: 'cart-item__each' }, ' each')),
    ),
    quantitySelect(item, product.name, index),
    h(
      'p',
      { class: 'cart-item__line-total', 'data-line-total': product.id },
      formatPrice({ amount: product.price.amount * item.quantity, currency: product.price.currency }, product.interval),
    ),
    h('div', { class: 'cart-item__remove' }, removeButton(product.id, product.name)),
  );
}

function unavailableItem(item: CartItem): HTMLLIElement {
  // An archived product is gone from the live catalog but still has its build-time name and image.
  const known = shop.products.find((p) => p.id === item.productId) ?? findProduct(item.productId);
  const name = known?.name ?? item.productId;
  return h(
    'li',
    { class: 'cart-item cart-item--unavailable', 'data-cart-item': item.productId, 'data-unavailable': 'true' },
    known ? h('img', { class: 'cart-item__image', src: known.image, alt: '', width: 96, height: 72 }) : h('span', { class: 'cart-item__image' }),
    h(
      'div',
      { class: 'cart-item__info' },
      h('h2', { class: 'cart-item__name' }, name),
      h('p', { class: 'cart-item__unit' }, 'No longer available — it will not be part of your order.'),
    ),
    h('div', { class: 'cart-item__remove' }, removeButton(item.productId, name)),
  );
}

function noticeText(): string | null {
  if (phase === 'loading') return null;
  if (phase === 'unavailable' || !shop.checkout) {
    return 'Checkout is not available right now. Your cart is saved on this device; please try again later.';
  }
  return null;
}

function render(): void {
  const cart = loadCart();
  const { lines, unavailable } = resolveCart(cart, shop.products, shop.live);
  // Keep the stored price ids current once the live catalog named them.
  const resolved = cart.map((item) => lines.find((line) => line.item.productId === item.productId)?.item ?? item);
  if (shop.live && resolved.some((item, i) => item.priceId !== cart[i]?.priceId)) saveCart(resolved);
  current = lines;
  updateCartBadge(cart);

  empty.hidden = cart.length > 0;
  summary.hidden = mounted || cart.length === 0;
  list.inert = mounted;
  rerender(list, ...lines.map(lineItem), ...unavailable.map(unavailableItem));
  total.textContent = lines.length ? cartTotalText(lines) : formatMoney(0, shop.products[0]?.price.currency ?? 'usd');

  const message = noticeText();
  notice.hidden = message === null;
  notice.textContent = message ?? '';
  const ready = phase === 'live' && shop.checkout && lines.length > 0;
  checkoutButton.disabled = inFlight || !ready;
  checkoutButton.textContent = inFlight ? 'Starting checkout…' : 'Checkout';
  summary.setAttribute('aria-busy', String(inFlight || phase === 'loading'));
}

function update(cart: Cart): void {
  errorRegion.textContent = '';
  saveCart(cart);
  render();
}

checkoutButton.addEventListener('click', async () => {
  if (inFlight || current.length === 0) return;
  inFlight = true;
  errorRegion.textContent = '';
  render();
  const result = await startCheckout({
    apiBase: API_BASE,
    request: checkoutRequest(
      current.map((line) => line.item),
      getBuyer(),
    ),
  });
  if (result.ok && 'url' in result) {
    // The cart is cleared by the success page once the order is fulfilled. The button stays
    // disabled while the browser navigates away.
    location.assign(result.url);
    return;
  }
  if (result.ok) {
    try {
      const { mountEmbeddedCheckout } = await import('../embedded-checkout');
      embedded.hidden = false;
      await mountEmbeddedCheckout(result, byId('embedded-checkout-frame'));
      // The session is Stripe's now: the cart's own button would start a second one.
      mounted = true;
      render();
      byId('embedded-checkout-heading').focus();
      return;
    } catch (error) {
      embedded.hidden = true;
      inFlight = false;
      render();
      errorRegion.textContent = error instanceof Error ? error.message : 'The secure checkout could not be loaded. Please try again.';
      checkoutButton.focus();
      return;
    }
  }
  inFlight = false;
  render();
  errorRegion.textContent = result.error;
  checkoutButton.focus(); // disabling it dropped focus to the page
});

// Back from Checkout through the browser's page cache: the button must work again.
window.addEventListener('pageshow', (event) => {
  if (event.persisted && inFlight) {
    inFlight = false;
    render();
  }
});

// Another tab changed the cart.
window.addEventListener('storage', (event) => {
  if (event.key === CART_KEY || event.key === null) render();
});

render();
void loadShop().then((live) => {
  if (live) {
    shop = live;
    phase = 'live';
  } else {
    phase = 'unavailable';
  }
  render();
});
