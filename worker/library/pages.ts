// The library's pages, built by the worker: the request form, the same answer for every address,
// the link's confirmation (a POST, so a mail scanner's prefetch does not use it up), the library itself.
import { catalog } from '../../catalog';
import { formatMoney } from '../../catalog/money';
import { fileUpdateText } from '../../catalog/order-page';
import { LIBRARY_LINK_MINUTES, LIBRARY_OPEN_PATH, LIBRARY_PATH } from '../../contract/limits';
import { ORDER_PAGE_TEXT } from '../../catalog/order-page';
import { SUCCESS_PAGE_REFRESH_SECONDS } from '../storefront/success-page';
import type { LibraryOrder } from './library';

const e = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The library pages' only style. The shop's CSP allows no inline style but this one, by its hash. */
const STYLE =
  'body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.1rem;margin:0 0 .25rem}h3{font-size:1rem;margin:.75rem 0 .25rem}.library-order{border:1px solid #cbd2d9;border-radius:.5rem;padding:1rem;margin:1rem 0}code{word-break:break-all}label,input{display:block;margin:.25rem 0}input{padding:.4rem;width:100%;max-width:22rem;box-sizing:border-box}button{padding:.45rem 1rem;margin:.5rem 0;font:inherit}';
/** The CSP source of STYLE (a test recomputes it). */
export const LIBRARY_STYLE_SOURCE = "'sha256-0xZc8CnCJe8FLhOxDBEQkUDAZJ1acKlzXiV8DrsnWoQ='";

/** `refresh`: the page reloads itself (it has no script), as the order page does while an order settles. */
function page(title: string, body: string, refresh = false): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">${refresh ? `<meta http-equiv="refresh" content="${SUCCESS_PAGE_REFRESH_SECONDS}">` : ''}
<meta name="color-scheme" content="light dark"><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>${e(title)} · ${e(catalog.shopName)}</title><style>${STYLE}</style></head>
<body><main>
<p><a href="/">${e(catalog.shopName)}</a></p>
<h1>${e(title)}</h1>
${body}
</main></body></html>`;
}

const requestForm = `<form method="post" action="${LIBRARY_PATH}">
<label for="library-email">Your email address</label>
<input id="library-email" name="email" type="email" autocomplete="email" required maxlength="254">
<button type="submit">Email me my purchases</button>
</form>`;

export const requestPage = (problem?: string) =>
  page(
    'Email me my purchases',
    `<p>Type the address you paid with. If it bought anything here, we email you a link that opens every order of that address, on this or any device, for ${LIBRARY_LINK_MINUTES} minutes.</p>
${problem ? `<p role="alert">${e(problem)}</p>` : ''}
${requestForm}`,
  );

/** The one answer to a well-formed request, whether or not the address bought anything. */
export const requestedPage = () =>
  page(
    'Check your email',
    `<p id="library-requested">If this address bought anything here, a link to your purchases is on its way. It works once, for ${LIBRARY_LINK_MINUTES} minutes. Nothing arrived? Check the spam folder, or ask again.</p>`,
  );

export const limitedPage = () =>
  page('Too many requests', `<p role="alert">Too many links were asked for this address or from this network. Try again in ${LIBRARY_LINK_MINUTES} minutes.</p>`);

export const openPage = (token: string) =>
  page(
    'Open your purchases',
    `<form method="post" action="${LIBRARY_OPEN_PATH}"><input type="hidden" name="token" value="${e(token)}"><button type="submit" id="library-open">Open my purchases</button></form>`,
  );

export const linkUsedPage = () =>
  page('This link no longer works', `<p role="alert">A link works once, for ${LIBRARY_LINK_MINUTES} minutes. Ask for a new one below.</p>\n${requestForm}`);

export function libraryPage(email: string, orders: LibraryOrder[]): string {
  const items = orders.map(({ order, lineItems, downloads, licenceKeys }) => {
    const lines = lineItems.map((line) => `<li>${line.quantity} × ${e(line.description ?? 'Item')}</li>`).join('');
    const total = order.amountTotal !== null && order.currency ? formatMoney(order.amountTotal, order.currency, 'en') : '';
    const files = downloads
      .map((file) => {
        const update = fileUpdateText(file.update);
        return `<li><a href="${e(file.url)}" class="library-download">${e(file.name)}</a> (${e(file.product.name)})${update ? ` <span data-file-update="">${e(update)}</span>` : ''}</li>`;
      })
      .join('');
    const keys = licenceKeys.map(({ product, key }) => `<li>${e(product.name)}: <code>${e(key ?? 'on its way')}</code></li>`).join('');
    return `<article class="library-order" data-order="${e(order.id)}">
<h2>${e(new Date(order.createdAt).toISOString().slice(0, 10))}${total ? ` · ${e(total)}` : ''} · ${e(order.status)}</h2>
<ul>${lines}</ul>
${files ? `<h3>Downloads</h3><ul>${files}</ul>` : ''}
${keys ? `<h3>Licence keys</h3><ul>${keys}</ul>` : ''}
<p><a href="/success?session_id=${e(encodeURIComponent(order.id))}">Order page</a></p>
${order.subscription ? `<form method="post" action="${LIBRARY_PATH}/portal"><input type="hidden" name="order" value="${e(order.id)}"><button type="submit">Manage subscription</button></form>` : ''}
</article>`;
  });
  return page(
    'Your purchases',
    `<p>Every order of <strong id="library-email">${e(email)}</strong>, newest first.</p>
${items.length > 0 ? items.join('\n') : '<p>No orders yet.</p>'}
<form method="post" action="${LIBRARY_PATH}/sign-out"><button type="submit">Sign out on this browser</button></form>`,
    orders.some(({ order }) => order.status in ORDER_PAGE_TEXT.inProgress),
  );
}

export const signedOutPage = () => page('Sign in again', `<p role="alert">This browser is not signed in to a library any more. Ask for a new link below.</p>\n${requestForm}`);

export const problemPage = (message: string) => page('Manage subscription', `<p role="alert">${e(message)}</p>\n<p><a href="${LIBRARY_PATH}">Back to your purchases</a></p>`);
