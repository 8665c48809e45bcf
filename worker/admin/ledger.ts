// Retrying failed events from the back office: the stored payload goes through
// `receiveEvent`, the path a redelivery from Stripe takes (and `replayPage`), so the
// ledger's claim keeps it once whoever retries first, Stripe or the seller.
import type { AdminRetryResponse } from '../../contract/api';
import { MAX_RETRIES_PER_CALL } from '../../contract/limits';
import type { Context } from '../platform/context';
import type { SellerHooks } from '../seller-hooks';
import { receiveEvent } from '../events/receive';
import { logAction } from '../store/admin-actions';
import { failedCount, failedEventIds, failedEventPayload } from '../store/ledger';
import { decodeEvent } from '../stripe/event';

type RetryResult = AdminRetryResponse['results'][number];

export async function retryEvent(eventId: string, actor: string, context: Context & SellerHooks): Promise<RetryResult> {
  const { db } = context;
  const payload = await failedEventPayload(db, eventId);
  if (payload === null) return { id: eventId, outcome: 'not_failed' };
  const decoded = decodeEvent(payload);
  let result: RetryResult;
  if (!decoded.ok) {
    result = { id: eventId, outcome: 'failed', error: decoded.reason };
  } else {
    const outcome = await receiveEvent(decoded.event, payload, context);
    result = outcome.status === 200 ? { id: eventId, outcome: outcome.body.outcome } : { id: eventId, outcome: 'failed', error: outcome.body.error };
  }
  await logAction(db, { at: context.now(), actor, action: 'event_retried', subject: eventId, detail: JSON.stringify({ outcome: result.outcome }) }).run();
  return result;
}

/** The oldest failed events, a bounded number per call; the page calls again while some remain. */
export async function retryFailed(actor: string, context: Context & SellerHooks): Promise<AdminRetryResponse> {
  const ids = await failedEventIds(context.db, MAX_RETRIES_PER_CALL);
  const results: RetryResult[] = [];
  for (const id of ids) results.push(await retryEvent(id, actor, context));
  return { results, remainingFailed: await failedCount(context.db) };
}
