// Buy is plain HTML, so a shopper without JavaScript can buy: a link in the prerendered page (a
// Payment Link or the local checkout stand-in), or, for a product that exists only in Stripe, a
// form the worker rendered that POSTs to its checkout. With JavaScript it also carries the buyer.
import { getBuyer } from './buyer';
import { buyerFormFields, withBuyer } from './checkout-link';

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

/** Adds the buyer to a Buy form as hidden fields, read as it submits (the same moment as the link's). */
export function enhanceBuyForm(form: HTMLFormElement): void {
  form.addEventListener('submit', () => {
    const buyer = getBuyer();
    for (const [name, value] of Object.entries(buyerFormFields({ clientReferenceId: buyer.clientReferenceId, email: buyer.email }))) {
      let field = form.querySelector<HTMLInputElement>(`input[type="hidden"][name="${name}"]`);
      if (!field) {
        field = Object.assign(document.createElement('input'), { type: 'hidden', name });
        form.append(field);
      }
      field.value = value;
    }
  });
}
