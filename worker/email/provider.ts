// Sends one message through the configured provider's documented HTTP API: Resend's
// POST /emails (Idempotency-Key) or Postmark's POST /email (X-Postmark-Server-Token).
// A retry carries the same key, so a message the provider accepted before a timeout is not sent twice.
import type { EmailSettings } from './settings';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A send the provider refused for good (a 4xx other than 408/429): retrying sends nothing better. */
export class PermanentEmailFailure extends Error {}

export async function sendEmail(settings: EmailSettings, message: EmailMessage, idempotencyKey: string, fetcher: typeof fetch = fetch): Promise<void> {
  const request = settings.provider === 'resend' ? resendRequest(settings, message, idempotencyKey) : postmarkRequest(settings, message, idempotencyKey);
  let response: Response;
  try {
    response = await fetcher(request.url, { ...request.init, signal: AbortSignal.timeout(settings.timeoutMs) });
  } catch (error) {
    throw new Error(`${settings.provider} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.ok) return;
  const body = (await response.text().catch(() => '')).slice(0, 300);
  const failure = `${settings.provider} answered ${response.status}: ${body}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429 && response.status !== 409) throw new PermanentEmailFailure(failure);
  throw new Error(failure);
}

function resendRequest(settings: EmailSettings, message: EmailMessage, idempotencyKey: string) {
  return {
    url: `${settings.apiBase}/emails`,
    init: {
      method: 'POST',
      headers: { authorization: `Bearer ${settings.apiKey}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ from: settings.from, to: [message.to], subject: message.subject, text: message.text, html: message.html }),
    },
  };
}

// Postmark keeps no idempotency key: the outbox's one row per message is what keeps it once.
function postmarkRequest(settings: EmailSettings, message: EmailMessage, idempotencyKey: string) {
  return {
    url: `${settings.apiBase}/email`,
    init: {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-postmark-server-token': settings.apiKey },
      body: JSON.stringify({
        From: settings.from,
        To: message.to,
        Subject: message.subject,
        TextBody: message.text,
        HtmlBody: message.html,
        MessageStream: 'outbound',
        Metadata: { idempotency_key: idempotencyKey },
      }),
    },
  };
}
