// Who is buying: the `client_reference_id` (and optional email) sent with every Buy link, so the
// worker can tie a paid Checkout Session back to the buyer.
//
// By default that is an id kept in localStorage with a secret beside it: the id is the secret's
// SHA-256 ("b_" + base64url), so the browser can prove to the worker that it is this buyer
// (`buyerProofHeaders()`) without ever registering anything. A seller whose site knows the user
// can use its own user id instead, either through the `window.storefrontBuyer` hook or
// `setBuyer()`, and proves it with a token their backend signs (see the README).
import { isValidClientReferenceId } from './checkout-link';

export { isValidClientReferenceId };

export const CLIENT_REFERENCE_ID_KEY = 'storefront.clientReferenceId';
export const EMAIL_KEY = 'storefront.email';
export const BUYER_SECRET_KEY = 'storefront.buyerSecret';

export interface BuyerHint {
  /** Your user id; Stripe's rule: 1–200 characters of A-Z, a-z, 0-9, `_` or `-`. `null` clears it. */
  id?: string | null;
  /** Prefills the email field in Checkout. `null` clears it. */
  email?: string | null;
}

export interface Buyer {
  /** Always valid for Stripe (see `isValidClientReferenceId`). */
  clientReferenceId: string;
  email: string | null;
}

declare global {
  interface Window {
    /**
     * Seller hook: tell the storefront who the buyer is. Set it before the storefront's script
     * runs, e.g. in an external script included ahead of it (the CSP forbids inline scripts):
     *
     *     window.storefrontBuyer = { id: 'user_123', email: 'ada@example.com' };
     *
     * Both fields are optional. `id` becomes Checkout's `client_reference_id`, so it must be
     * 1–200 characters of A-Z, a-z, 0-9, `_` or `-`; an invalid id is reported with
     * `console.error` and the random per-browser id is used instead. It takes precedence over
     * `setBuyer()` and is not stored.
     */
    storefrontBuyer?: BuyerHint;
  }
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;
// Writes localStorage refused (privacy modes, storage full), `null` for a removal; they win over
// localStorage for this page view.
const memory = new Map<string, string | null>();
const reported = new Set<string>();

function read(key: string): string | null {
  if (memory.has(key)) return memory.get(key) ?? null;
  try {
    return globalThis.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage.removeItem(key);
    else globalThis.localStorage.setItem(key, value);
    memory.delete(key);
  } catch {
    // Storage blocked or full: the in-memory copy lasts for this page view.
    memory.set(key, value);
  }
}

function reportOnce(message: string): void {
  if (reported.has(message)) return;
  reported.add(message);
  console.error(message);
}

interface Identity {
  id: string;
  /** Null where WebCrypto is unavailable (plain-http previews): the id then proves nothing. */
  secret: string | null;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

async function newIdentity(): Promise<Identity> {
  if (!globalThis.crypto?.subtle) return { id: randomId(), secret: null };
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return { id: `b_${base64url(new Uint8Array(hash))}`, secret };
}

// Hashing is asynchronous and getBuyer() is not: one identity is always ready before it is needed.
let spare: Identity = await newIdentity();

function takeIdentity(): Identity {
  const identity = spare;
  spare = { id: randomId(), secret: null };
  void newIdentity().then((next) => {
    spare = next;
  });
  return identity;
}

function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http previews still get 128 random bits.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

function checkedId(id: unknown, from: string, instead: string): string | null {
  if (isValidClientReferenceId(id)) return id;
  const shown = typeof id === 'string' ? JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id) : typeof id;
  reportOnce(
    `storefront: ignoring ${from} ${shown}: a Stripe client_reference_id must be 1–200 characters of ` +
      `A-Z, a-z, 0-9, "_" or "-" (Stripe silently drops other values). ${instead}`,
  );
  return null;
}

function checkedEmail(email: unknown, from: string): string | null {
  const trimmed = typeof email === 'string' ? email.trim() : '';
  if (trimmed && isValidEmail(trimmed)) return trimmed;
  reportOnce(`storefront: ignoring ${from}: not an email address.`);
  return null;
}

/** The stored id, creating (and storing, with its secret) a new one on first use or if the stored one is invalid. */
function storedClientReferenceId(): string {
  const stored = read(CLIENT_REFERENCE_ID_KEY);
  if (isValidClientReferenceId(stored)) return stored;
  const { id, secret } = takeIdentity();
  write(CLIENT_REFERENCE_ID_KEY, id);
  write(BUYER_SECRET_KEY, secret);
  return id;
}

/**
 * Headers proving to the worker that this browser is the current buyer (for
 * `GET /api/entitlements/:id`): the secret kept beside a storefront-made id. Empty for a
 * seller's own ids, which their backend proves with a signed token instead.
 */
export function buyerProofHeaders(): Record<string, string> {
  const { clientReferenceId } = getBuyer();
  const secret = read(BUYER_SECRET_KEY);
  return secret && clientReferenceId === read(CLIENT_REFERENCE_ID_KEY) ? { 'X-Buyer-Secret': secret } : {};
}

/**
 * The current buyer: `window.storefrontBuyer` fields when present and valid, else what
 * `setBuyer()` stored, else a random id created now and kept in localStorage.
 */
export function getBuyer(): Buyer {
  const hint = typeof window === 'undefined' ? undefined : window.storefrontBuyer;
  const hintId =
    hint?.id == null
      ? null
      : checkedId(hint.id, 'window.storefrontBuyer.id', 'Using the stored or random buyer id instead.');
  const hintEmail = hint?.email == null ? null : checkedEmail(hint.email, 'window.storefrontBuyer.email');
  const storedEmail = read(EMAIL_KEY);
  return {
    clientReferenceId: hintId ?? storedClientReferenceId(),
    email: hintEmail ?? (storedEmail && isValidEmail(storedEmail) ? storedEmail : null),
  };
}

/**
 * Store the buyer in localStorage for later page views (e.g. after your site's sign-in).
 * Omitted fields are left alone; `null` clears a field (a cleared id is replaced by a new
 * random one on next use). An invalid id or email is reported with `console.error` and not
 * stored. Returns the buyer now in effect.
 */
export function setBuyer(buyer: BuyerHint): Buyer {
  if (buyer.id === null) {
    write(CLIENT_REFERENCE_ID_KEY, null);
    write(BUYER_SECRET_KEY, null);
  } else if (buyer.id !== undefined) {
    const id = checkedId(buyer.id, 'setBuyer() id', 'Keeping the current buyer id.');
    if (id) {
      write(CLIENT_REFERENCE_ID_KEY, id);
      // The seller's id is proven by their backend's token; a stale secret must not tag along.
      write(BUYER_SECRET_KEY, null);
    }
  }
  if (buyer.email === null) write(EMAIL_KEY, null);
  else if (buyer.email !== undefined) {
    const email = checkedEmail(buyer.email, 'setBuyer() email');
    if (email) write(EMAIL_KEY, email);
  }
  return getBuyer();
}
