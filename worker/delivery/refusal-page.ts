// What a buyer's browser shows when a download link is refused: a page with the reason and
// a way on, not a line of JSON. Scripts and download managers still get JSON.
import { DELIVERY_TOKEN } from '../../contract/ids';

/** Whether the request is a browser opening the link (a click, an address typed or pasted). */
export function wantsPage(headers: Headers): boolean {
  if (headers.get('sec-fetch-mode') === 'navigate') return true;
  return /\btext\/html\b/.test(headers.get('accept') ?? '');
}

/** The page's only style. The shop's CSP allows no inline style but this one, by its hash. */
const STYLE = 'body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}code{word-break:break-all}';
/** The CSP source of STYLE (a test recomputes it). */
export const REFUSAL_PAGE_STYLE_SOURCE = "'sha256-qPmOu6eQro1atpEAo+iwKJlMYMApm0FmWCSM5QfHIWo='";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page for a refused download. It names the download code (the delivery token from the
 * link itself, so it reveals nothing new) for the buyer to quote to the seller, and never
 * the order: a forwarded link must not lead to it.
 */
export function refusalPage(reason: string, token: string | undefined): string {
  const code = token && DELIVERY_TOKEN.test(token) ? token : null;
  const sentence = reason.charAt(0).toUpperCase() + reason.slice(1);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>Download not available</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>This download is not available</h1>
<p id="reason">${escapeHtml(sentence)}.</p>
<p>If you bought this, open your order page again: it has fresh links while the order stands.${code ? ` To ask the shop for help, quote your download code <code>${escapeHtml(code)}</code>.` : ''}</p>
<p><a href="/">Back to the shop</a></p>
</main>
</body>
</html>
`;
}
