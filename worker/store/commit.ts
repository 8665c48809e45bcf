// The one place effects are committed: their writes and outbox rows in one D1 batch (after
// an event's claim, when there is one), then the outbox rows that batch created queued.
import type { Env, OutboxMessage } from '../platform/env';
import { newOutboxRows, type NewOutboxRow } from './outbox';

/**
 * What a use case commits: its writes, the outbox rows for side effects after the commit
 * (inserts that return the new row's id), and what it decided worth telling the seller
 * (kept in the ledger).
 */
export interface Effects {
  writes: D1PreparedStatement[];
  outbox?: D1PreparedStatement[];
  note?: string;
}

interface Committer {
  db: D1Database;
  env: Env;
  now: () => number;
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * Commits `effects` in one batch, `claim` first: a claim whose assertion fails rolls the whole
 * batch back (the error is thrown). Returns the results of the writes, in their order.
 */
export async function commit(context: Committer, effects: Effects, claim: D1PreparedStatement[] = []): Promise<D1Result[]> {
  const [results] = await commitMany(context, [{ effects, claim }]);
  return results ?? [];
}

/** One unit of a group commit: an event's claim (or a ledger mark) and its effects. */
export interface Commitment {
  effects: Effects;
  claim?: D1PreparedStatement[];
}

/**
 * Commits many units in ONE batch, each unit's claim before its effects and its outbox rows
 * after them (so an outbox row sees the state its own unit left). One failing claim rolls
 * back every unit: the caller retries the whole group. Returns each unit's write results.
 */
export async function commitMany(context: Committer, units: Commitment[]): Promise<D1Result[][]> {
  const statements = units.flatMap(({ effects, claim = [] }) => [...claim, ...effects.writes, ...(effects.outbox ?? [])]);
  if (statements.length === 0) return units.map(() => []);
  const results = await context.db.batch(statements);
  const writeResults: D1Result[][] = [];
  const newRows: NewOutboxRow[] = [];
  let at = 0;
  for (const { effects, claim = [] } of units) {
    const outbox = effects.outbox ?? [];
    at += claim.length;
    writeResults.push(results.slice(at, at + effects.writes.length));
    at += effects.writes.length;
    newRows.push(...newOutboxRows(results.slice(at, at + outbox.length)));
    at += outbox.length;
  }
  enqueueOutbox(context, newRows);
  return writeResults;
}

/**
 * Queues new outbox rows after their batch committed, without holding the response.
 * A send that fails is not lost: the row stays pending and the sweeper re-sends it.
 */
export function enqueueOutbox({ env, now, waitUntil }: Omit<Committer, 'db'>, rows: NewOutboxRow[]): void {
  if (rows.length === 0 || !env.OUTBOX) return;
  const at = now();
  const messages: MessageSendRequest<OutboxMessage>[] = rows.map(({ id, dueAt }) => ({
    body: { outboxId: id },
    contentType: 'json',
    ...(dueAt > at ? { delaySeconds: Math.ceil((dueAt - at) / 1000) } : {}),
  }));
  const outbox = env.OUTBOX;
  for (let at = 0; at < messages.length; at += MESSAGES_PER_SEND_BATCH) {
    const part = messages.slice(at, at + MESSAGES_PER_SEND_BATCH);
    const ids = part.map((message) => message.body.outboxId);
    waitUntil(
      outbox.sendBatch(part).catch((error: unknown) =>
        console.warn(JSON.stringify({ msg: 'outbox rows not queued; the sweeper will send them', ids, error: String(error) })),
      ),
    );
  }
}

/** Queues takes at most 100 messages per sendBatch (and 256 KB; an outbox message is its row's id). */
const MESSAGES_PER_SEND_BATCH = 100;
