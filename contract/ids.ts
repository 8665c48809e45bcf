// Every id format the API speaks, written once. The worker validates with these, the
// storefront builds and checks with them, the tests make ids that satisfy them.

/** A Checkout Session id: the buyer's capability for their order. */
export const CHECKOUT_SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]{1,250}$/;

/** An embedded Checkout Session's `client_secret`: its id, then `_secret_` and Stripe's random part. */
export const CHECKOUT_CLIENT_SECRET = /^cs_(test|live)_[A-Za-z0-9]{1,250}_secret_[A-Za-z0-9_]{1,250}$/;

/** A publishable key, which Stripe.js takes; public by design. */
export const PUBLISHABLE_KEY = /^pk_(test|live)_[A-Za-z0-9]{1,247}$/;

/** Stripe's rule for `client_reference_id`; Stripe silently drops anything else. */
export const CLIENT_REFERENCE_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** A storefront-made buyer id: "b_" + base64url(SHA-256(secret)), the secret kept in the browser. */
export const DERIVED_BUYER_ID = /^b_[A-Za-z0-9_-]{43}$/;

/** The secret beside a storefront-made buyer id, sent as `X-Buyer-Secret`. */
export const BUYER_SECRET = /^[A-Za-z0-9_-]{32,128}$/;

export const EVENT_ID = /^evt_[A-Za-z0-9_]{1,250}$/;

export const PRICE_ID = /^price_[A-Za-z0-9_]{1,100}$/;

/** Any Stripe object id, as a pagination cursor. */
export const STRIPE_OBJECT_ID = /^[A-Za-z0-9_]{1,255}$/;

/** A digital order's download code. */
export const DELIVERY_TOKEN = /^dl_[A-Za-z0-9_-]{8,100}$/;

/** A catalog product's id (slug), and the path segment of its page: `/products/<id>`. */
export const PRODUCT_SLUG = /^[A-Za-z0-9_-]{1,100}$/;

/** A product id the catalog endpoint takes: a slug or a Stripe product id (which fits the same pattern). */
export const PRODUCT_ID = PRODUCT_SLUG;

export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

/** A back-office page cursor: the last row's time (ms) and id, `<ms>~<id>`. */
export const ADMIN_CURSOR = /^\d{1,15}~[A-Za-z0-9_]{1,255}$/;

/** A PaymentIntent id, as the back office searches for it. */
export const PAYMENT_INTENT_ID = /^pi_[A-Za-z0-9_]{1,250}$/;

/** One refund request from the back office, the key of its Stripe idempotency key: a double click refunds once. */
export const REFUND_REQUEST_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** A Stripe event type, as the ledger is filtered by. */
export const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+){1,4}$/;
/** An R2 object key a catalog file may name: slash-separated segments of A-Z a-z 0-9 . _ -, none starting with a dot. */
export const FILE_KEY = /^(?=.{1,512}$)[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** A download link's signature: base64url of an HMAC-SHA256. */
export const DOWNLOAD_SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** A download link's expiry: unix seconds. */
export const DOWNLOAD_EXPIRES = /^[0-9]{1,12}$/;

/** A licence key, generated or uploaded by the seller: printable, no spaces. */
export const LICENCE_KEY = /^[A-Za-z0-9][A-Za-z0-9._:+\/=-]{3,199}$/;
