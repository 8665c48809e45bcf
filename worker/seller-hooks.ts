// The seller's hooks: what happens once an order is paid, and once its money goes back.
// Replace the defaults with your own.
//
// - `fulfil` decides what to record with the order (a download token; later links,
//   licence keys). It must be pure — no emails, no HTTP calls: it may run for a
//   delivery that turns out to be a duplicate, and only the winner's result is kept.
// - `deliver` carries out the side effects of a fulfilled order (send the links,
//   notify the warehouse). It runs after the order is committed, from the outbox
//   queue: retried with backoff until it succeeds, then never again for that order.
//   Towards the outside world that is at least once: pass `order.id` as the
//   idempotency key (e.g. an Idempotency-Key header) so a repeat does nothing.
// - `revoke` is the counterpart of `deliver` for a full refund or a dispute: once
//   per order, from the outbox, same contract.
import type { DeliverHook, FulfilHook, RevokeHook } from './hooks';
import { randomId } from './platform/ids';

export const fulfil: FulfilHook = ({ products }) => ({
  deliveryToken: products.some((product) => product.digital) ? `dl_${randomId(32)}` : null,
});

/** The default sends nothing: the success page shows the order. Log it for the seller. */
export const deliver: DeliverHook = async ({ order, products, downloads, licenceKeys }) => {
  console.log(
    JSON.stringify({ msg: 'order delivered', order: order.id, products: products.map((product) => product.id), files: downloads.length, licenceKeys: licenceKeys.length }),
  );
};

/** The default: the order's status change is the revocation — its delivery token stops working. */
export const revoke: RevokeHook = async ({ order, reason }) => {
  console.log(JSON.stringify({ msg: 'order revoked', order: order.id, reason }));
};
