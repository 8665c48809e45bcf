// `/cancel?product=<product id>`: the buyer left Checkout without paying.
import { findProduct, productPath } from '../../../catalog';
import { byId, h, queryParam } from '../dom';
import { initLayout } from '../layout';

initLayout();

const product = findProduct(queryParam('product') ?? '');
if (product) {
  byId('cancel-detail').replaceChildren(
    h(
      'div',
      { class: 'cancel-product', 'data-product-id': product.id },
      h('img', { class: 'cancel-product__image', src: product.image, alt: '', width: 120, height: 90 }),
      h('p', {}, 'You were looking at ', h('strong', {}, product.name), '. It is still here whenever you are ready.'),
    ),
  );
  const back = byId<HTMLAnchorElement>('cancel-back');
  back.href = productPath(product.id);
  back.textContent = `Back to ${product.name}`;
}
