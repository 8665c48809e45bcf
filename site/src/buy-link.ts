// The Buy link is a plain <a> in the prerendered HTML (a Payment Link, the local checkout
// stand-in, or the worker's checkout for a product that exists only in Stripe), so a shopper
// without JavaScript can buy. With JavaScript it also carries the buyer's reference.
import { getBuyer } from './buyer';
import { withBuyer } from './checkout-link';

/**
 * Adds `client_reference_id` (and `prefilled_email`) to an `<a data-buy>` rendered at build. The
 * href is recomputed just before it is used, so a buyer set after the page loaded
 * (`window.storefrontBuyer`, `setBuyer()`) still counts.
 */
export function enhanceBuyLink(link: HTMLAnchorElement): void {
  const plain = link.getAttribute('href');
  if (!plain) return;
  const refresh = () => {
    const buyer = getBuyer();
    link.href = withBuyer(plain, { clientReferenceId: buyer.clientReferenceId, email: buyer.email });
  };
  refresh();
  for (const type of ['pointerdown', 'focus', 'click']) link.addEventListener(type, refresh);
}
