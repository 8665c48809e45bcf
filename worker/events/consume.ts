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
import { handlingOf } from './receive';

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

  const handlings = await Promise.all(todo.map((item) => handlingOf(item.event, item.payload, context)));
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
    // Failed before too: one event's writes may be what D1 refuses. Commit alone, so it holds no one back.
    console.error(JSON.stringify({ msg: 'event batch failed to commit again; committing one by one', events: todo.length, error: errorText(error) }));
    await commitOneByOne(todo, units, failures, context);
    return;
  }
  settle(todo, failures, context);
}

/** Finds the event whose writes the database refuses: every other event commits, that one is recorded failed and retried. */
async function commitOneByOne(todo: Queued[], units: Commitment[], failures: { item: Queued; error: string }[], context: Context): Promise<void> {
  for (const [i, item] of todo.entries()) {
    if (failures.some((failure) => failure.item === item)) {
      await commit(context, units[i]!.effects, units[i]!.claim).catch(() => undefined);
      continue;
    }
    try {
      await commit(context, units[i]!.effects, units[i]!.claim);
    } catch (error) {
      if (isAlreadyClaimed(error)) continue;
      const message = errorText(error);
      failures.push({ item, error: message });
      await recordFailed(context.db, item.event, item.payload, context.now(), message).catch((recordError: unknown) =>
        console.error(JSON.stringify({ msg: 'could not record event failure', event: item.event.id, error: String(recordError) })),
      );
    }
  }
  settle(todo, failures, context);
}

function settle(todo: Queued[], failures: { item: Queued; error: string }[], context: Context): void {
  for (const item of todo) {
    const failure = failures.find((candidate) => candidate.item === item);
    if (failure) {
      console.error(JSON.stringify({ msg: 'queued event failed; retried alone', event: item.event.id, type: item.event.type, error: failure.error }));
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
