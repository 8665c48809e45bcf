// The group commit: the EVENTS queue's consumer takes a batch of verified webhook events and
// commits them in ONE D1 batch — each event's claim, its effects and its outbox rows, decided
// by the same `handlingOf` as a webhook answered on the request. Duplicates (in the batch, or
// already in the ledger) are acknowledged without running again. An event whose handler throws
// is recorded failed and retried alone; Queues dead-letters it after max_retries, and
// `recordDeadLettered` keeps it in the ledger as failed, for the back office's Retry.
import type Stripe from 'stripe';
import type { Context } from '../platform/context';
import type { EventMessage } from '../platform/env';
import type { SellerHooks } from '../seller-hooks';
import { commit, commitMany, type Commitment } from '../store/commit';
import { doneAmong, failedMark, isAlreadyClaimed, markDeadLettered, recordFailed } from '../store/ledger';
import { decodeEvent } from '../stripe/event';
import { handlingOf, type Handling } from './receive';

interface Queued {
  event: Stripe.Event;
  payload: string;
  /** The first message that carried the event, and any duplicates of it in this batch. */
  messages: Message<EventMessage>[];
}

export async function consumeEvents(batch: MessageBatch<EventMessage>, context: Context & SellerHooks): Promise<void> {
  const queued = new Map<string, Queued>();
  for (const message of batch.messages) {
    const payload = typeof message.body?.payload === 'string' ? message.body.payload : '';
    const decoded = decodeEvent(payload);
    if (!decoded.ok) {
      // Verified before it was queued, so this is a bug or a foreign message: retried, then dead-lettered.
      console.error(JSON.stringify({ msg: 'queued event undecodable', message: message.id, reason: decoded.reason }));
      message.retry();
      continue;
    }
    const same = queued.get(decoded.event.id);
    if (same) same.messages.push(message);
    else queued.set(decoded.event.id, { event: decoded.event, payload, messages: [message] });
  }

  const done = await doneAmong(context.db, [...queued.keys()]);
  const todo = [...queued.values()].filter((item) => {
    if (!done.has(item.event.id)) return true;
    for (const message of item.messages) message.ack();
    return false;
  });
  // Oldest facts first; the SQL guards make any order end in the same state, this one is simply Stripe's.
  todo.sort((a, b) => a.event.created - b.event.created || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0));

  const handlings = await decideInTurns(todo, context);
  const units: Commitment[] = [];
  const failures: { item: Queued; error: string }[] = [];
  todo.forEach((item, i) => {
    const handling = handlings[i]!;
    if (handling.outcome === 'failed') {
      const error = errorText(handling.error);
      failures.push({ item, error });
      units.push({ effects: { writes: [] }, claim: [failedMark(context.db, item.event, item.payload, context.now(), error)] });
    } else units.push(handling);
  });

  try {
    await commitMany(context, units);
  } catch (error) {
    if (isAlreadyClaimed(error)) {
      // Another consumer (or a replay) claimed one of these meanwhile: redo the batch; the ledger read drops it.
      console.warn(JSON.stringify({ msg: 'event batch met a concurrent claim; retried whole', events: todo.length }));
      for (const item of todo) retryAll(item);
      return;
    }
    if (todo.every((item) => item.messages.every((message) => message.attempts <= 1))) {
      // A first failure is most likely D1's, not an event's: nothing was written, the batch is retried whole.
      console.error(JSON.stringify({ msg: 'event batch failed to commit; retried whole', events: todo.length, error: errorText(error) }));
      for (const item of todo) retryAll(item);
      return;
    }
    // Failed before too: one event's writes may be what D1 refuses. Split the batch, so it holds no one back.
    console.error(JSON.stringify({ msg: 'event batch failed to commit again; committing in halves', events: todo.length, error: errorText(error) }));
    await commitInHalves(todo, units, failures, context);
    return;
  }
  settle(todo, failures, [], context);
}

/**
 * Events decided between two yields to the event loop. Deciding is CPU without I/O, so a whole
 * group at once would hold the isolate for tens of milliseconds, and a webhook arriving on the
 * same isolate would wait for all of it; in turns, it waits for at most one turn.
 */
export const DECIDED_PER_TURN = 10;

async function decideInTurns(todo: Queued[], context: Context & SellerHooks): Promise<Handling[]> {
  const handlings: Handling[] = [];
  for (let start = 0; start < todo.length; start += DECIDED_PER_TURN) {
    if (start > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const turn = todo.slice(start, start + DECIDED_PER_TURN);
    handlings.push(...(await Promise.all(turn.map((item) => handlingOf(item.event, item.payload, context)))));
  }
  return handlings;
}

/**
 * D1 calls one consumer invocation makes at most: D1 allows 50 queries per Worker invocation on
 * Workers Free (1,000 on Paid; a `batch()` is one). The group commit makes 2 (the ledger read,
 * the batch); only a batch that failed twice makes more, and never past this bound.
 */
export const D1_CALLS_PER_INVOCATION = 45;

/**
 * Finds the events whose writes the database refuses by committing halves of the batch, then
 * halves of the half that failed: every other event commits, each refused one is recorded
 * failed and retried alone — about 2·log2(n) calls per refused event. Events left when the
 * call budget is spent are retried, nothing of theirs written.
 */
async function commitInHalves(todo: Queued[], units: Commitment[], failures: { item: Queued; error: string }[], context: Context): Promise<void> {
  let calls = 2;
  const deferred: Queued[] = [];
  const commitPart = async (part: number[]): Promise<void> => {
    if (calls >= D1_CALLS_PER_INVOCATION) {
      deferred.push(...part.map((i) => todo[i]!));
      return;
    }
    calls++;
    try {
      await commitMany(context, part.map((i) => units[i]!));
      return;
    } catch (error) {
      if (part.length > 1) {
        const half = Math.ceil(part.length / 2);
        await commitPart(part.slice(0, half));
        await commitPart(part.slice(half));
        return;
      }
      const item = todo[part[0]!]!;
      // Claimed elsewhere meanwhile: done. Already failed (its mark is what was refused): retried anyway.
      if (isAlreadyClaimed(error) || failures.some((failure) => failure.item === item)) return;
      const message = errorText(error);
      failures.push({ item, error: message });
      if (calls >= D1_CALLS_PER_INVOCATION) return;
      calls++;
      await recordFailed(context.db, item.event, item.payload, context.now(), message).catch((recordError: unknown) =>
        console.error(JSON.stringify({ msg: 'could not record event failure', event: item.event.id, error: String(recordError) })),
      );
    }
  };
  await commitPart(todo.map((_, i) => i));
  if (deferred.length > 0) console.warn(JSON.stringify({ msg: 'D1 call budget spent; events retried', events: deferred.length, budget: D1_CALLS_PER_INVOCATION }));
  settle(todo, failures, deferred, context);
}

function settle(todo: Queued[], failures: { item: Queued; error: string }[], deferred: Queued[], context: Context): void {
  for (const item of todo) {
    const failure = failures.find((candidate) => candidate.item === item);
    if (failure) {
      console.error(JSON.stringify({ msg: 'queued event failed; retried alone', event: item.event.id, type: item.event.type, error: failure.error }));
      retryAll(item);
    } else if (deferred.includes(item)) {
      retryAll(item);
    } else {
      context.recentEvents.add(item.event.id);
      for (const message of item.messages) message.ack();
    }
  }
}

function retryAll(item: Queued): void {
  for (const message of item.messages) message.retry();
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The dead-letter queue's consumer: an event that failed every delivery is kept in the ledger
 * as failed (a processed one stays processed), so the back office lists it with Retry.
 */
export async function recordDeadLettered(batch: MessageBatch<EventMessage>, context: Context): Promise<void> {
  for (const message of batch.messages) {
    const payload = typeof message.body?.payload === 'string' ? message.body.payload : '';
    const decoded = decodeEvent(payload);
    if (!decoded.ok) {
      // Nothing to key a ledger row by: the log is its record.
      console.error(JSON.stringify({ msg: 'undecodable event dead-lettered', message: message.id, reason: decoded.reason, payload: payload.slice(0, 500) }));
      message.ack();
      continue;
    }
    const { event } = decoded;
    console.error(JSON.stringify({ msg: 'event dead-lettered', event: event.id, type: event.type, attempts: message.attempts }));
    await markDeadLettered(context.db, event, payload, context.now(), message.attempts);
    message.ack();
  }
}
