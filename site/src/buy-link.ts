// The Buy link: a real <a> to the Payment Link (or the local checkout stand-in).
import type { Product } from '../catalog';
import { getBuyer } from './buyer';
import { buyUrl } from './checkout-link';
import { API_BASE, STRIPE_MODE } from './config';
import { h } from './dom';

export function currentBuyUrl(product: Product): string {
  const buyer = getBuyer();
  return buyUrl(product, {
    mode: STRIPE_MODE,
    apiBase: API_BASE,
    clientReferenceId: buyer.clientReferenceId,
    email: buyer.email,
  });
}

/**
 * `<a class="button" data-buy="<product id>">`. The href is recomputed just before it is used,
 * so a buyer set after the page rendered (`window.storefrontBuyer`, `setBuyer()`) still counts.
 */
export function buyLink(product: Product, className: string, ...content: (Node | string)[]): HTMLAnchorElement {
  const link = h('a', { class: className, href: currentBuyUrl(product), 'data-buy': product.id }, ...content);
  const refresh = () => {
    link.href = currentBuyUrl(product);
  };
  for (const type of ['pointerdown', 'focus', 'click']) link.addEventListener(type, refresh);
  return link;
}
