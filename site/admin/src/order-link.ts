// The buyer's order link, for the seller to send a buyer who lost it: the success page Stripe
// redirected them to. DOM-free apart from the clipboard it is given, so it is tested without a browser.

/** `<SITE_URL>/success?session_id=<id>`; `siteUrl` is the build's (a page's `data-site-url`). */
export function buyerOrderLink(siteUrl: string, sessionId: string): string {
  const url = new URL('/success', siteUrl);
  url.searchParams.set('session_id', sessionId);
  return url.toString();
}

/**
 * Copies `text`: `copied`, or `select` when the browser refused (no clipboard outside a secure
 * context, or permission denied): the page then selects the link's field for a manual copy.
 */
export async function copyText(text: string, clipboard: Pick<Clipboard, 'writeText'> | undefined): Promise<'copied' | 'select'> {
  if (!clipboard) return 'select';
  try {
    await clipboard.writeText(text);
    return 'copied';
  } catch {
    return 'select';
  }
}
