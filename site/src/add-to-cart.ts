// The Add to cart button, offered next to Buy when the live catalog says the worker can check out.
import { MAX_QUANTITY } from '../../contract/limits';
import { addItem, loadCart, saveCart } from './cart';
import { h, visuallyHidden } from './dom';
import { announce, updateCartBadge } from './layout';
import type { ShopProduct } from '../../catalog/live';

/** `<button data-add-to-cart="<product id>">`; the product must have a `priceId`. */
export function addToCartButton(product: ShopProduct, className: string): HTMLButtonElement {
  const label = h('span', {}, 'Add to cart');
  const button = h(
    'button',
    { type: 'button', class: className, 'data-add-to-cart': product.id },
    label,
    visuallyHidden(`: ${product.name}`),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', () => {
    if (!product.priceId) return;
    const before = loadCart();
    const had = before.find((item) => item.productId === product.id)?.quantity ?? 0;
    const cart = addItem(before, { productId: product.id, priceId: product.priceId });
    saveCart(cart);
    updateCartBadge(cart);
    const now = cart.find((item) => item.productId === product.id)?.quantity ?? 0;
    announce(
      now > had
        ? `Added ${product.name} to your cart (${now} in cart).`
        : `Your cart already has ${MAX_QUANTITY} of ${product.name}, the most one order can take.`,
    );
    label.textContent = now > had ? 'Added' : 'Limit reached';
    button.dataset.added = 'true';
    clearTimeout(timer);
    timer = setTimeout(() => {
      label.textContent = 'Add to cart';
      delete button.dataset.added;
    }, 1500);
  });
  return button;
}
