// Buy is plain HTML (catalog/product-page.ts `buyHtml`), so a shopper without JavaScript can buy:
// a link (a Payment Link or the local checkout stand-in), or a form that POSTs to the worker's
// checkout (a catalog product in a WORKER_CHECKOUT=true build, a product that exists only in
// Stripe). With JavaScript it also carries the buyer.
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

/** Adds the buyer to every Buy in `container`: `<a data-buy>` links and the forms of `<button data-buy>`. */
export function enhanceBuy(container: ParentNode): void {
  for (const link of container.querySelectorAll<HTMLAnchorElement>('a[data-buy]')) enhanceBuyLink(link);
  for (const button of container.querySelectorAll<HTMLButtonElement>('button[data-buy]')) if (button.form) enhanceBuyForm(button.form);
}
