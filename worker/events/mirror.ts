// Builds handlers for the mirrored families: each event's object is upserted
// with the event as its version; `*.deleted` events soft-delete.
import { upsertMirrored, type MirrorRow, type MirrorTable } from '../store/mirror';
import type { StripeEvent } from '../stripe/event';
import type { EventHandler } from './registry';

export const versionOf = (event: StripeEvent) => ({ created: event.created, eventId: event.id });

export function mirrorHandler<T extends MirrorTable, O>(table: T, toRow: (object: O, deleted: boolean) => MirrorRow<T>, options: { deletes?: boolean } = {}): EventHandler {
  return async (event, { db, now }) => {
    const row = toRow(event.data.object as O, options.deletes ?? false);
    return [upsertMirrored(db, table, row, versionOf(event), now())];
  };
}
