// GET /mail: the messages the local mail catcher kept, newest first — JSON for a test or a tool
// (Accept: application/json), a page for a person. `?to=` keeps one recipient's.
import type http from 'node:http';
import { sendHtml, sendJson } from '../core/respond';
import type { MailCatcher } from '../resources/mail';
import { escapeHtml, page } from './layout';

export function mailPage(catcher: MailCatcher, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  const to = url.searchParams.get('to')?.trim().toLowerCase();
  const messages = catcher.messages
    .filter((message) => !to || message.to.some((address) => address.toLowerCase() === to))
    .slice()
    .reverse()
    .map(({ id, provider, from, to: recipients, subject, text, html, sentAt }) => ({ id, provider, from, to: recipients, subject, text, html, sentAt }));
  if ((req.headers.accept ?? '').includes('application/json')) return sendJson(res, 200, { messages });
  const items = messages.map(
    (message) => `<article class="mail" data-mail="${escapeHtml(message.id)}">
<h2>${escapeHtml(message.subject)}</h2>
<p>To <strong>${escapeHtml(message.to.join(', '))}</strong> from ${escapeHtml(message.from)} · ${escapeHtml(message.sentAt)} · ${escapeHtml(message.provider)}</p>
<details open><summary>HTML</summary><iframe sandbox title="${escapeHtml(message.subject)}" srcdoc="${escapeHtml(message.html)}" style="width:100%;height:24rem;border:1px solid #ccc"></iframe></details>
<details><summary>Text</summary><pre style="white-space:pre-wrap">${escapeHtml(message.text)}</pre></details>
</article>`,
  );
  sendHtml(
    res,
    200,
    page(
      'Mail',
      `<p>Every email the shop sent through the provider's API on this machine, newest first. Nothing leaves it. <a href="/">Dashboard</a></p>
${items.length > 0 ? items.join('\n<hr>\n') : '<p>No mail yet.</p>'}`,
    ),
  );
}
