// Every limit the API enforces, written once.

/** Lines in one cart checkout. */
export const MAX_LINES = 20;
/** Units of one line. */
export const MAX_QUANTITY = 10;
export const MIN_QUANTITY = 1;
/** A checkout request body; a cart of MAX_LINES lines is far smaller. */
export const MAX_CHECKOUT_BODY_BYTES = 16 * 1024;
/** A Buy form: a client reference id and an email. */
export const MAX_BUY_FORM_BYTES = 1024;
/** A portal request: one client reference id. */
export const MAX_PORTAL_BODY_BYTES = 1024;
/** Stripe's own events stay far below this; anything larger is not from Stripe. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** A `Stripe-Signature` header: Stripe sends one timestamp and a v1 per active secret. */
export const MAX_SIGNATURE_HEADER_LENGTH = 8 * 1024;
export const MAX_V1_SIGNATURES = 8;
/** Rows of one back-office page, by default and at most. */
export const ADMIN_PAGE_SIZE = 50;
export const MAX_ADMIN_PAGE_SIZE = 100;
/** Failed events one "retry all failed" call runs (each may call Stripe; Workers bound subrequests). */
export const MAX_RETRIES_PER_CALL = 20;
/** The health page warns when no event arrived for this many days while orders exist. */
export const QUIET_WEBHOOK_DAYS = 3;
/** Downloads of one file per order, unless the product sets its own `downloadLimit`. */
export const DEFAULT_DOWNLOAD_LIMIT = 10;
/** How long a signed download link works, unless DOWNLOAD_LINK_TTL_SECONDS says otherwise. */
export const DEFAULT_DOWNLOAD_LINK_TTL_SECONDS = 24 * 60 * 60;
/** The longest link lifetime DOWNLOAD_LINK_TTL_SECONDS may ask for: a week. */
export const MAX_DOWNLOAD_LINK_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Days a past_due subscription's files and licence keys are still served, unless SUBSCRIPTION_PAST_DUE_GRACE_DAYS says otherwise. */
export const DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS = 7;
/** The longest grace SUBSCRIPTION_PAST_DUE_GRACE_DAYS may ask for: Stripe's longest retry schedule, two months. */
export const MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS = 60;
/** A download-signing secret shorter than this is refused (no links are made). */
export const MIN_DOWNLOAD_SECRET_LENGTH = 32;
/** Licence keys in one pool upload. */
export const MAX_LICENCE_KEYS_PER_UPLOAD = 1000;
/** How far ahead a seller's signed buyer token may expire, unless BUYER_TOKEN_MAX_LIFETIME_SECONDS says otherwise. */
export const DEFAULT_BUYER_TOKEN_MAX_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
/** The range BUYER_TOKEN_MAX_LIFETIME_SECONDS may set: a minute to a year. */
export const MIN_BUYER_TOKEN_MAX_LIFETIME_SECONDS = 60;
export const MAX_BUYER_TOKEN_MAX_LIFETIME_SECONDS = 365 * 24 * 60 * 60;

/** The buyer's library (worker/library/): a sign-in link works once, for this many minutes. */
export const LIBRARY_LINK_MINUTES = 15;
/** A signed-in library browser stays signed in this many days (or until it signs out). */
export const LIBRARY_SESSION_DAYS = 30;
/** Library requests per email address, and per client, in one window of LIBRARY_LINK_MINUTES. */
export const LIBRARY_REQUESTS_PER_EMAIL = 3;
export const LIBRARY_REQUESTS_PER_CLIENT = 20;
/** Past buyers told of a new file version per press of Notify (each call queues at most this many messages). */
export const FILE_NOTICES_PER_CALL = 50;
/** Where the library lives, and where its emailed link opens. */
export const LIBRARY_PATH = '/library';
export const LIBRARY_OPEN_PATH = '/library/open';
