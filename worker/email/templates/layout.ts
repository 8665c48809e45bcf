// What every message shares: the escaping, the frame of the HTML part, the footer of both parts.
// Every value put into HTML goes through `html`; the text part is plain text and needs none.
export interface Shop {
  name: string;
  /** Where a buyer writes for help: the catalog's supportEmail, else the sender's address. */
  supportEmail: string;
}

/** A message's subject and its two parts. */
export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

export const html = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A button-like link; `href` is escaped as an attribute. */
export const link = (href: string, label: string) => `<a href="${html(href)}" style="color:#1a56db">${html(label)}</a>`;

export function page(shop: Shop, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${html(title)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:36rem;margin:0 auto;padding:1rem">
<p style="font-weight:600">${html(shop.name)}</p>
${body}
<hr style="border:none;border-top:1px solid #ddd;margin:2rem 0 1rem">
<p style="color:#555;font-size:0.9em">Questions? Write to ${link(`mailto:${shop.supportEmail}`, shop.supportEmail)}.</p>
</body></html>`;
}

export const textFooter = (shop: Shop) => `\n--\n${shop.name}\nQuestions? Write to ${shop.supportEmail}.\n`;
