/** Bindings and variables, as configured in wrangler.toml, `.dev.vars` and `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  ASSETS?: Fetcher;
  /** One or more webhook signing secrets (`whsec_…`), comma-separated. A secret: never in wrangler.toml. */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Comma-separated origins allowed to call /api/* cross-origin (a site hosted on Pages). */
  ALLOWED_ORIGINS?: string;
  /** Stripe secret or restricted key. Optional: without it the shop runs on Payment Links alone. A secret. */
  STRIPE_SECRET_KEY?: string;
  /** Stripe's API origin; tests and local runs point it at a fake. Default https://api.stripe.com. */
  STRIPE_API_BASE?: string;
  /** "true": mirror handlers refetch objects from Stripe instead of trusting event payloads (needs STRIPE_SECRET_KEY). */
  STRIPE_REFETCH?: string;
  /**
   * Bearer token for /api/admin/* and the back office (the `stripe:sync` backfill), used
   * only when Cloudflare Access is not configured. A secret.
   */
  SYNC_TOKEN?: string;
  /** Cloudflare Access team domain (`<team>.cloudflareaccess.com`) in front of /admin/ and /api/admin/*. */
  ACCESS_TEAM_DOMAIN?: string;
  /** The Access application's audience (AUD) tag; set together with ACCESS_TEAM_DOMAIN. */
  ACCESS_AUD?: string;
  /** A cache of the live catalog. D1 stays the source of truth. */
  CATALOG?: KVNamespace;
  /**
   * `test` or `live`: the Stripe mode this shop serves when no STRIPE_SECRET_KEY says it by
   * its prefix. Events and sessions of the other mode are never acted on.
   */
  STRIPE_MODE?: string;
  /** Secret for the signed buyer tokens a seller's own backend issues (see worker/http/buyer-proof.ts). A secret. */
  BUYER_TOKEN_SECRET?: string;
  /** How far ahead a buyer token may expire, in seconds (default 30 days, a minute to a year); a token signed for later is refused. */
  BUYER_TOKEN_MAX_LIFETIME_SECONDS?: string;
  /** Side effects (deliveries, revocations, catalog rebuilds) to carry out after the commit; see worker/outbox/. */
  OUTBOX?: Queue<OutboxMessage>;
  /** Verified webhook events waiting for their group commit (worker/events/consume.ts). */
  EVENTS?: Queue<EventMessage>;
  /**
   * `queue` (the default when EVENTS is bound): a webhook is answered once its event is queued,
   * and a consumer commits events in groups. `sync`: each webhook commits before its answer.
   */
  WEBHOOK_PROCESSING?: string;
  /** `payment-link` (default), `hosted` or `embedded`: how worker-made Checkout Sessions are shown (worker/checkout/settings.ts). */
  CHECKOUT_MODE?: string;
  /** "true": a promotion code field on worker-made sessions. */
  CHECKOUT_PROMOTION_CODES?: string;
  /** "true": Stripe Tax computes tax on worker-made sessions. */
  CHECKOUT_AUTOMATIC_TAX?: string;
  /** "true": the checkout asks for a phone number. */
  CHECKOUT_PHONE_NUMBER?: string;
  /** Publishable key (`pk_…`) for Stripe.js in embedded mode. Public, not a secret. */
  STRIPE_PUBLISHABLE_KEY?: string;
  /** The files digital products deliver (R2, never public); see worker/delivery/. */
  FILES?: R2Bucket;
  /** Signs download links (HMAC-SHA256); at least 32 characters. A secret: `wrangler secret put`. */
  DOWNLOAD_SIGNING_SECRET?: string;
  /** How long a signed download link works, in seconds (default 86400, at most a week). */
  DOWNLOAD_LINK_TTL_SECONDS?: string;
  /** Days a past_due subscription's files and licence keys are still served, from the start of the unpaid period (default 7, 0–60). */
  SUBSCRIPTION_PAST_DUE_GRACE_DAYS?: string;
  /** Hours between the Cron Trigger's reconciliations with Stripe (default 24; 1 to 168). A run not finished carries on each minute. */
  RECONCILE_EVERY_HOURS?: string;
  /** Hours without a Stripe event, while buyers create Checkout Sessions, before the seller is alerted (default 6; 1 to 168). */
  WEBHOOK_QUIET_HOURS?: string;
  /** Days a processed event's payload is kept in the ledger (worker/events/retention.ts); default 30. */
  LEDGER_PAYLOAD_RETENTION_DAYS?: string;
  /** The shop's public origin (`https://shop.example`): the order and library links in emails. */
  SITE_URL?: string;
  /** `resend` (default) or `postmark`: who sends the shop's email (worker/email/). */
  EMAIL_PROVIDER?: string;
  /** The provider's API key (Resend) or server token (Postmark). A secret. Unset: no email is sent, the health page says so. */
  EMAIL_API_KEY?: string;
  /** The sender, `Shop <orders@shop.example>`, on a domain the provider has verified. */
  EMAIL_FROM?: string;
  /** The provider's API origin; npm start and tests point it at the local mail catcher. Default: the provider's own. */
  EMAIL_API_BASE?: string;
  /** How long a send may take before it is retried, in ms (default 10000). */
  EMAIL_TIMEOUT_MS?: string;
}

/** A queue message: the outbox row to carry out. */
export interface OutboxMessage {
  outboxId: number;
}

/** A queued webhook event: the verified raw body, exactly as Stripe signed it. */
export interface EventMessage {
  payload: string;
}

/** The queues this worker consumes (wrangler.toml): `queue()` dispatches by name. */
export const QUEUES = {
  outbox: 'edge-storefront-outbox',
  events: 'edge-storefront-events',
  deadEvents: 'edge-storefront-events-dlq',
} as const;
