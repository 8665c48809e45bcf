// The library link's email step: whether the address bought anything is read here, after the
// request was answered, so the request does the same work for every address. A token is the
// HMAC of the request's subject: a retried send makes the same link, kept once by its hash.
import { LIBRARY_LINK_MINUTES, LIBRARY_OPEN_PATH } from '../../contract/limits';
import type { Env } from '../platform/env';
import { hmacToken, sha256Hex } from '../platform/ids';
import { hasOrders, saveLibraryLink } from '../store/library';
import type { EmailPayload } from '../store/outbox';
import { shopOf } from './messages';
import { PermanentEmailFailure, type EmailMessage } from './provider';
import type { EmailSettings } from './settings';
import { libraryLink } from './templates/library-link';

export async function libraryLinkMessage(payload: Extract<EmailPayload, { template: 'library_link' }>, subject: string, settings: EmailSettings, env: Env, now: number): Promise<EmailMessage | null> {
  if (!(await hasOrders(env.DB, payload.to))) return null;
  const secret = env.DOWNLOAD_SIGNING_SECRET?.trim();
  if (!secret) throw new PermanentEmailFailure('DOWNLOAD_SIGNING_SECRET is not set: library links are signed with it');
  const token = await hmacToken(secret, `library-link:${subject}`);
  await saveLibraryLink(env.DB, { tokenHash: await sha256Hex(token), email: payload.to, now, expiresAt: now + LIBRARY_LINK_MINUTES * 60_000 }).run();
  const link = `${settings.siteUrl}${LIBRARY_OPEN_PATH}?token=${encodeURIComponent(token)}`;
  return { to: payload.to, ...libraryLink({ shop: shopOf(settings), link, minutes: LIBRARY_LINK_MINUTES }) };
}
