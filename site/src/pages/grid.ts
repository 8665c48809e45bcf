// `/`: the product grid, from the build-time catalog at once, then from the live catalog.
import { addToCartButton } from '../add-to-cart';
import { buyLink } from '../buy-link';
import { byId, h, rerender, visuallyHidden } from '../dom';
import { initLayout } from '../layout';
import { canAddToCart, type ShopProduct } from '../live-catalog';
import { formatPrice } from '../money';
import { withShop, type Shop } from '../shop';

initLayout();

function productCard(product: ShopProduct, shop: Shop): HTMLLIElement {
  const href = `/product?id=${encodeURIComponent(product.id)}`;
  return h(
    'li',
    { class: 'card', 'data-product-id': product.id },
    h('img', {
      class: 'card__image',
      src: product.image,
      alt: product.imageAlt,
      width: 400,
      height: 300,
      decoding: 'async',
    }),
    h(
      'div',
      { class: 'card__body' },
      h('h3', { class: 'card__title' }, product.name),
      h('p', { class: 'card__description' }, product.description),
      h(
        'div',
        { class: 'card__footer' },
        h('p', { class: 'price', 'data-price': product.id }, formatPrice(product.price, product.interval)),
        h(
          'div',
          { class: 'card__actions' },
          h('a', { class: 'button button--secondary', href, 'data-view': product.id }, 'View', visuallyHidden(` ${product.name}`)),
          canAddToCart(shop, product) ? addToCartButton(product, 'button button--secondary') : null,
          buyLink(product, 'button', 'Buy', visuallyHidden(` ${product.name}`)),
        ),
      ),
    ),
  );
}

const grid = byId('product-grid');

withShop((shop) => {
  grid.dataset.catalog = shop.live ? 'live' : 'build';
  if (shop.products.length === 0) {
    rerender(grid, h('li', { class: 'notice product-grid__empty', id: 'no-products' }, 'Nothing is for sale right now. Please check back soon.'));
    return;
  }
  rerender(grid, ...shop.products.map((product) => productCard(product, shop)));
});
