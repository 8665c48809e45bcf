// `/product?id=<product id>`: one product.
import { findProduct } from '../../catalog';
import { buyLink } from '../buy-link';
import { byId, h, queryParam } from '../dom';
import { initLayout, setTitle } from '../layout';
import { formatMoney } from '../money';

initLayout();

const container = byId('product');
const product = findProduct(queryParam('id') ?? '');

if (product) {
  setTitle(product.name);
  const price = formatMoney(product.price.amount, product.price.currency);
  container.replaceChildren(
    h(
      'article',
      { class: 'product', 'data-product-id': product.id },
      h(
        'div',
        { class: 'product__media' },
        h('img', { class: 'product__image', src: product.image, alt: product.imageAlt, width: 400, height: 300 }),
      ),
      h(
        'div',
        { class: 'product__info' },
        h('p', { class: 'tag' }, product.digital ? 'Digital download' : 'Physical item'),
        h('h1', { class: 'product__title' }, product.name),
        h('p', { class: 'price price--large', 'data-price': product.id }, price),
        h('p', { class: 'product__description' }, product.description),
        h('p', { class: 'product__buy' }, buyLink(product, 'button button--large', 'Buy now')),
        h(
          'p',
          { class: 'fine-print' },
          product.digital
            ? 'Secure checkout by Stripe. Your download code appears as soon as the payment is confirmed.'
            : 'Secure checkout by Stripe. You can review your order before paying.',
        ),
      ),
    ),
  );
} else {
  setTitle('Product not found');
  document.querySelector('.back-link')?.remove(); // the panel has its own link home
  container.replaceChildren(
    h(
      'section',
      { class: 'panel', id: 'product-not-found' },
      h('h1', {}, 'Product not found'),
      h('p', {}, 'We could not find that product. It may no longer be for sale, or the link may be mistyped.'),
      h('p', { class: 'panel__actions' }, h('a', { class: 'button button--large', href: '/' }, 'Back to the shop')),
    ),
  );
}
