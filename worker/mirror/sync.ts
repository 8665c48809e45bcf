// Writing Stripe objects into the mirror, through each resource's record (./resources.ts):
// an event's object (the webhook), a page of a list (the backfill). Every row is versioned,
// so an older version never overwrites a newer one whatever order they arrive in.
import type Stripe from 'stripe';
import type { SyncResource } from '../../contract/api';
import type { Context } from '../platform/context';
import { refreshCatalog } from '../storefront/live-catalog';
import { commit, type Effects } from '../store/commit';
import { MIRROR_COLUMNS, storedRows, tieBreak, upsertMirrored, type MirrorRow, type MirrorTable, type SyncVersion } from '../store/mirror';
import { outboxCatalogRebuild } from '../store/outbox';
import { stripeClient } from '../stripe/client';
import { MIRROR, type MirrorResource } from './resources';

/**
 * Product and price events within one window share one catalog rebuild, due when
 * the window closes (plus a grace for a batch still committing at that moment).
 */
export const CATALOG_REBUILD_WINDOW_MS = 5_000;
const CATALOG_REBUILD_GRACE_MS = 1_000;
export const catalogWindowEnd = (now: number) => (Math.floor(now / CATALOG_REBUILD_WINDOW_MS) + 1) * CATALOG_REBUILD_WINDOW_MS + CATALOG_REBUILD_GRACE_MS;

/** An event about a mirrored object `O`: a product, a price, a customer, a subscription, a Payment Link. */
export type MirrorEvent<O> = Pick<Stripe.Event, 'id' | 'type' | 'created'> & { data: { object: O } };

/** The writes that keep `object` at `version`: its row, and what goes with it. */
function writesOf(resource: MirrorResource, db: D1Database, object: { id: string }, deleted: boolean, version: SyncVersion, now: number): D1PreparedStatement[] {
  return [upsertMirrored(db, resource.table, resource.toRow(object, deleted), version, now), ...(resource.alsoWrites?.(db, object, version) ?? [])];
}

/**
 * An event's object, mirrored with the event as its version: the event's snapshot, or —
 * with STRIPE_REFETCH=true and an API key — the object as Stripe has it now, versioned as
 * of now. A deletion is taken from the event: the object is gone.
 */
export async function mirrorEvent(resource: MirrorResource, event: MirrorEvent<{ id: string }>, context: Context, options: { deleted?: boolean } = {}): Promise<Effects> {
  const { db } = context;
  const deleted = options.deleted ?? false;
  const now = context.now();
  const eventId = tieBreak(event.type, event.id);
  const stripe = context.env.STRIPE_REFETCH === 'true' && !deleted ? await stripeClient(context.env) : null;
  const id = event.data.object.id;
  const [object, version] =
    stripe && id ? [await resource.retrieve(stripe, id), { created: Math.max(event.created, Math.floor(now / 1000)), eventId }] : [event.data.object, { created: event.created, eventId }];
  return {
    writes: writesOf(resource, db, object, deleted, version, now),
    outbox: resource.changesCatalog ? [outboxCatalogRebuild(db, catalogWindowEnd(now), now)] : [],
  };
}

export interface Page {
  count: number;
  hasMore: boolean;
  next: string | null;
}

const PAGE_SIZE = 100;

/** A listing or a refetch is the state as of now: it ranks with updates, after any event of the same second ('sync' > 'evt_…'). */
const asOfNow = (now: number): SyncVersion => ({ created: Math.floor(now / 1000), eventId: '1:sync' });

/** The mirrored columns where `row` (what Stripe has) differs from `stored` (what the mirror has); ['missing'] when absent. */
export function differingFields(table: MirrorTable, row: MirrorRow<MirrorTable>, stored: Record<string, unknown> | undefined): string[] {
  if (!stored) return ['missing'];
  const fields: Record<string, unknown> = row;
  const columns = [...MIRROR_COLUMNS[table], 'deleted'];
  return columns.filter((column) => {
    const mine = column === 'deleted' ? (row.deleted ? 1 : 0) : (fields[column] ?? null);
    return (stored[column] ?? null) !== mine;
  });
}

export interface Compared {
  id: string;
  /** Columns that differed; empty when the mirror agreed. */
  fields: string[];
}

/**
 * Compares objects Stripe gave with their mirrored rows, and writes — through the ordering
 * guard, as of now — only those that differ. What differed is returned.
 */
export async function repairDrift(name: SyncResource, objects: { id: string }[], context: Context): Promise<Compared[]> {
  const resource = MIRROR[name];
  const { db } = context;
  const now = context.now();
  const stored = await storedRows(db, resource.table, objects.map((object) => object.id));
  const compared = objects.map((object) => {
    const deleted = resource.listedAsDeleted?.(object) ?? false;
    return { object, deleted, fields: differingFields(resource.table, resource.toRow(object, deleted), stored.get(object.id)) };
  });
  const differing = compared.filter((entry) => entry.fields.length > 0);
  const writes = differing.flatMap(({ object, deleted }) => writesOf(resource, db, object, deleted, asOfNow(now), now));
  if (writes.length > 0) {
    await commit(context, { writes });
    if (resource.changesCatalog) context.waitUntil(refreshCatalog(context.env));
  }
  return compared.map(({ object, fields }) => ({ id: object.id, fields }));
}

/** One mirrored object refetched from Stripe and applied through the ordering guard: what differed. */
export async function resyncObject(stripe: Stripe, name: SyncResource, id: string, context: Context): Promise<string[]> {
  const object = await MIRROR[name].retrieve(stripe, id);
  const [compared] = await repairDrift(name, [object], context);
  return compared?.fields ?? [];
}

/**
 * Backfills one page of `name` from Stripe's API; the `stripe:sync` CLI drives it page by
 * page (each request stays well inside Workers' limits) and can resume from `next`.
 */
export async function syncPage(stripe: Stripe, name: SyncResource, startingAfter: string | undefined, context: Context): Promise<Page> {
  const resource = MIRROR[name];
  const { db } = context;
  const now = context.now();
  const version = asOfNow(now);
  const list = await resource.list(stripe, { limit: PAGE_SIZE, ...(startingAfter ? { starting_after: startingAfter } : {}) });
  const writes = list.data.flatMap((object) => writesOf(resource, db, object, resource.listedAsDeleted?.(object) ?? false, version, now));
  if (writes.length > 0) await commit(context, { writes });
  // A backfill is the seller waiting at a terminal, a page at a time: show its result now, not at a window's end.
  if (resource.changesCatalog) context.waitUntil(refreshCatalog(context.env));
  return { count: list.data.length, hasMore: list.has_more, next: list.has_more ? (list.data.at(-1)?.id ?? null) : null };
}
