// `/product?id=<id>`, the old product URL. The worker answers it with a 301 to /products/<id>;
// this page only runs where the site is served without the worker (Cloudflare Pages), whose
// `_redirects` cannot read a query string.
import { PRODUCT_SLUG, productPath } from '../../../catalog';
import { queryParam } from '../dom';
import { initLayout } from '../layout';

initLayout();

const id = queryParam('id') ?? '';
if (PRODUCT_SLUG.test(id)) window.location.replace(productPath(id));
