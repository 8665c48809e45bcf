// The outbox's email step: compose the row's message from what is committed now and send it,
// with the row's subject as the provider's idempotency key, so a retry never doubles a message.
import type { Deliverable } from '../delivery/order-delivery';
import { orderDelivery } from '../delivery/order-delivery';
import { orderFiles } from '../delivery/files';
import { periodsPaid, renewalPeriod } from '../delivery/renewals';
import type { Env } from '../platform/env';
import { findBuyerDetails } from '../store/buyer-details';
import type { OrderRecord } from '../store/order-records';
import type { EmailPayload, OutboxRow } from '../store/outbox';
import { orderEmail, shipsGoods } from './messages';
import { PermanentEmailFailure, sendEmail, type EmailMessage } from './provider';
import { emailSettings } from './settings';
import { libraryLinkMessage } from './library-link';

export async function sendEmailRow(
  row: OutboxRow,
  record: OrderRecord | undefined,
  served: Deliverable,
  env: Env,
  now: number,
): Promise<void> {
  const payload = JSON.parse(row.payload ?? 'null') as EmailPayload | null;
  if (!payload) throw new PermanentEmailFailure(`email row ${row.id} has no payload`);
  const configured = emailSettings(env);
  if (!configured.ok) throw new PermanentEmailFailure(`not sent: ${configured.reason}`);
  const { settings } = configured;
  let message: EmailMessage | null;
  if (payload.template === 'library_link') {
    message = await libraryLinkMessage(payload, row.subject, settings, env, now);
  } else {
    if (!record) throw new Error(`order ${payload.order} not found`);
    const delivery = await orderDelivery(record, served, env, now);
    const servedFileKeys = orderFiles(served.products, periodsPaid(record)).map(({ file }) => file.key);
    // Only a receipt of goods to ship names the address (one read, for those alone).
    const shipTo = payload.template === 'receipt' && shipsGoods(record.order.status) ? ((await findBuyerDetails(env.DB, record.order.id))?.shipping ?? null) : null;
    const renewal = 'period' in payload && payload.period ? renewalPeriod(record, payload.period) : null;
    message = orderEmail(payload, { order: record.order, lineItems: record.lineItems, licenceKeys: delivery.licenceKeys, hasDownloads: delivery.downloads.length > 0, servedFileKeys, shipTo, renewal }, settings);
  }
  if (message) await sendEmail(settings, message, row.subject);
}
