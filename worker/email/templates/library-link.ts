// The sign-in link to the buyer's library: single use, short-lived, for this address only.
import { html, link, page, textFooter, type Rendered, type Shop } from './layout';

export interface LibraryLinkData {
  shop: Shop;
  link: string;
  minutes: number;
}

export function libraryLink(data: LibraryLinkData): Rendered {
  const subject = `Your purchases at ${data.shop.name}`;
  const said = `Open this link within ${data.minutes} minutes to see every order of this email address, with fresh downloads and licence keys. It works once; if you did not ask for it, ignore this email.`;
  const text = `${said}\n\n${data.link}\n`;
  const body = `<h1 style="font-size:1.3em">Your purchases</h1>\n<p>${html(said)}</p>\n<p>${link(data.link, 'Open my purchases')}</p>`;
  return { subject, text: text + textFooter(data.shop), html: page(data.shop, subject, body) };
}
