// `/product?id=<product id>`: one product, from the build-time catalog at once, then from the
// live catalog (which may say it is no longer for sale).
import { findProduct } from '../../catalog';
import { addToCartButton } from '../add-to-cart';
import { buyLink } from '../buy-link';
import { byId, h, queryParam, rerender } from '../dom';
import { initLayout, setTitle } from '../layout';
import { canAddToCart, type ShopProduct } from '../live-catalog';
import { formatPrice } from '../money';
import { withShop, type Shop } from '../shop';

initLayout();

const container = byId('product');
const id = queryParam('id') ?? '';

function productView(product: ShopProduct, shop: Shop): HTMLElement {
  return h(
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
      h('p', { class: 'price price--large', 'data-price': product.id }, formatPrice(product.price, product.interval)),
      h('p', { class: 'product__description' }, product.description),
      h(
        'p',
        { class: 'product__buy' },
        buyLink(product, 'button button--large', 'Buy now'),
        canAddToCart(shop, product) ? addToCartButton(product, 'button button--secondary button--large') : null,
      ),
      h(
        'p',
        { class: 'fine-print' },
        product.digital
          ? 'Secure checkout by Stripe. Your download code appears as soon as the payment is confirmed.'
          : 'Secure checkout by Stripe. You can review your order before paying.',
      ),
    ),
  );
}

/** `archived`: in the build-time catalog but no longer sold; `unknown`: never heard of it. */
function notFound(reason: 'archived' | 'unknown'): HTMLElement {
  const archived = reason === 'archived';
  return h(
    'section',
    { class: 'panel', id: 'product-not-found', 'data-reason': reason },
    h('h1', {}, archived ? 'No longer available' : 'Product not found'),
    h(
      'p',
      {},
      archived
        ? 'This product is no longer for sale. Have a look at what the shop offers today.'
        : 'We could not find that product. It may no longer be for sale, or the link may be mistyped.',
    ),
    h('p', { class: 'panel__actions' }, h('a', { class: 'button button--large', href: '/' }, 'Back to the shop')),
  );
}

withShop((shop) => {
  const product = shop.products.find((p) => p.id === id);
  if (product) {
    setTitle(product.name);
    rerender(container, productView(product, shop));
    return;
  }
  const archived = findProduct(id) !== undefined;
  setTitle(archived ? 'No longer available' : 'Product not found');
  document.querySelector('.back-link')?.remove(); // the panel has its own link home
  rerender(container, notFound(archived ? 'archived' : 'unknown'));
});
