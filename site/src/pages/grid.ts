// `/`: the product grid.
import { catalog, type Product } from '../../catalog';
import { buyLink } from '../buy-link';
import { byId, h, visuallyHidden } from '../dom';
import { initLayout } from '../layout';
import { formatMoney } from '../money';

initLayout();

function productCard(product: Product): HTMLLIElement {
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
        h('p', { class: 'price', 'data-price': product.id }, formatMoney(product.price.amount, product.price.currency)),
        h(
          'div',
          { class: 'card__actions' },
          h('a', { class: 'button button--secondary', href, 'data-view': product.id }, 'View', visuallyHidden(` ${product.name}`)),
          buyLink(product, 'button', 'Buy', visuallyHidden(` ${product.name}`)),
        ),
      ),
    ),
  );
}

byId('product-grid').replaceChildren(...catalog.products.map(productCard));
