-- Why an event was ignored or what its handling decided (a session held for review,
-- an event of the other Stripe mode): the seller reads it beside the status.
ALTER TABLE stripe_events ADD COLUMN note TEXT;

-- A refund or dispute can be delivered before the payment it undoes. It is kept here,
-- keyed by payment intent, and applied when the order is recorded (worker/orders/fulfilment.ts).
-- 'refunded' outranks 'disputed': money that came back is final.
CREATE TABLE payment_revocations (
  payment_intent TEXT PRIMARY KEY,
  status         TEXT NOT NULL CHECK (status IN ('refunded', 'disputed')),
  event_id       TEXT NOT NULL,
  recorded_at    INTEGER NOT NULL          -- ms
);
