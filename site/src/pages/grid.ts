// `/`: the product grid is in the HTML (prerendered from the build-time catalog). The script
// adds the buyer to the Buy links and forms, then applies the live catalog: live names and
// prices, archived products removed, Add to cart when the worker can check out. Nothing is
// re-rendered that did not change, so the page does not move.
import { addToCartButton } from '../add-to-cart';
import { enhanceBuy } from '../buy-link';
import { byId, h, pageLocale, setText } from '../dom';
import { initLayout } from '../layout';
import { canAddToCart } from '../../../catalog/live';
import { formatPrice } from '../../../catalog/money';
import { whenLive } from '../shop';

initLayout();

const grid = byId('product-grid');
enhanceBuy(grid);

whenLive((shop) => {
  grid.dataset.catalog = 'live';
  for (const card of grid.querySelectorAll<HTMLLIElement>('li[data-product-id]')) {
    const product = shop.products.find((p) => p.id === card.dataset.productId);
    if (!product) {
      card.remove();
      continue;
    }
    setText(card.querySelector('.card__title'), product.name);
    setText(card.querySelector('.card__description'), product.description);
    for (const hidden of card.querySelectorAll('.card__actions .visually-hidden')) setText(hidden, ` ${product.name}`);
    setText(card.querySelector('[data-price]'), formatPrice(product.price, product.interval, pageLocale()));
    const existing = card.querySelector('[data-add-to-cart]');
    // Beside the price, in a row kept as tall as a button: appearing there moves nothing else.
    if (canAddToCart(shop, product) && !existing) card.querySelector('.card__footer > [data-price]')?.after(addToCartButton(product, 'button button--secondary'));
    if (!canAddToCart(shop, product)) existing?.remove();
  }
  if (!grid.querySelector('li[data-product-id]')) {
    grid.replaceChildren(h('li', { class: 'notice product-grid__empty', id: 'no-products' }, 'Nothing is for sale right now. Please check back soon.'));
  }
});
