// The seller resets one file's download count of an order (a buyer who hit the limit for a
// good reason): logged with who, why and the count it had; no money moves, access unchanged.
import type { AdminDownloadsResetRequest, AdminDownloadsResetResponse } from '../../contract/api';
import type { Context } from '../platform/context';
import { Refusal } from '../platform/refusal';
import { logDownloadsReset } from '../store/admin-actions';
import { commit } from '../store/commit';
import { downloadCountsOf, resetDownloadCount } from '../store/downloads';
import { findOrder } from '../store/orders';

export async function resetDownloads(orderId: string, request: AdminDownloadsResetRequest, actor: string, context: Context): Promise<AdminDownloadsResetResponse> {
  const { db } = context;
  if (!(await findOrder(db, orderId))) throw new Refusal(404, 'order not found');
  const counted = (await downloadCountsOf(db, orderId)).find((row) => row.file === request.file);
  if (!counted) throw new Refusal(404, `${request.file} was never downloaded for this order: there is no count to reset`);
  if (counted.count === 0) throw new Refusal(409, `${request.file} has no downloads counted since its last reset`);
  // The log reads the count it resets in the same batch, so it records what the reset took away.
  const [, reset] = await commit(context, {
    writes: [logDownloadsReset(db, { at: context.now(), actor, subject: orderId }, request.file, request.reason), resetDownloadCount(db, orderId, request.file)],
  });
  if (!reset?.meta.changes) throw new Refusal(409, `${request.file} has no downloads counted since its last reset`);
  console.log(JSON.stringify({ msg: 'seller reset a download count', order: orderId, file: request.file, was: counted.count, actor }));
  return { file: request.file, was: counted.count, message: `Download count of ${request.file} reset to 0 (it was ${counted.count}). No money moved.` };
}
