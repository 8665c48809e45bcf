// `/products/<id>`: the product is in the HTML (prerendered at build, or rendered by the worker
// for a product that exists only in Stripe). The script adds the buyer to the Buy link or form, then
// applies the live catalog: live name and price, Add to cart when the worker can check out, or
// "no longer available" when the product was archived since the page was built.
import { findProduct } from '../../../catalog';
import { addToCartButton } from '../add-to-cart';
import { enhanceBuy } from '../buy-link';
import { byId, h, pageLocale, rerender, setText } from '../dom';
import { initLayout, setTitle } from '../layout';
import { canAddToCart } from '../../../catalog/live';
import { formatPrice } from '../../../catalog/money';
import { whenLiveProduct } from '../shop';

initLayout();

const container = byId('product');
const article = container.querySelector<HTMLElement>('article[data-product-id]');
const id = article?.dataset.productId ?? '';
enhanceBuy(container);

function noLongerAvailable(): HTMLElement {
  return h(
    'section',
    { class: 'panel', id: 'product-not-found', 'data-reason': 'archived' },
    h('h1', {}, 'No longer available'),
    h('p', {}, 'This product is no longer for sale. Have a look at what the shop offers today.'),
    h('p', { class: 'panel__actions' }, h('a', { class: 'button button--large', href: '/' }, 'Back to the shop')),
  );
}

whenLiveProduct(id, (shop) => {
  if (!article) return;
  const product = shop.products.find((p) => p.id === id);
  if (!product) {
    // A product only in Stripe (rendered by the worker) is not in the merged catalog: leave it as served.
    if (!findProduct(id)) return;
    setTitle('No longer available');
    document.querySelector('.back-link')?.remove(); // the panel has its own link home
    rerender(container, noLongerAvailable());
    return;
  }
  setTitle(product.name);
  setText(article.querySelector('.product__title'), product.name);
  setText(article.querySelector('.product__description'), product.description);
  setText(article.querySelector('[data-price]'), formatPrice(product.price, product.interval, pageLocale()));
  const existing = article.querySelector('[data-add-to-cart]');
  // After Buy now, at the end of its row: appearing there moves nothing else.
  if (canAddToCart(shop, product) && !existing) {
    article.querySelector('.product__buy')?.append(addToCartButton(product, 'button button--secondary button--large'));
  }
  if (!canAddToCart(shop, product)) existing?.remove();
});
