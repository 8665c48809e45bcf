// Download links are signed so that the bucket stays private and a link cannot be
// made for another order, another file or a later time: HMAC-SHA256 with the worker's
// DOWNLOAD_SIGNING_SECRET over the delivery token, the file's key and the expiry.

/** What a link grants: this file of this order until `expires` (unix seconds). */
export interface LinkClaims {
  token: string;
  key: string;
  expires: number;
}

const encoder = new TextEncoder();

// Versioned and newline-separated: no field may contain a newline (the contract's patterns say so),
// so two different claims can never produce the same message.
const message = ({ token, key, expires }: LinkClaims) => encoder.encode(`download/v1\n${token}\n${key}\n${expires}`);

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * The bytes of a base64url string, or `null` unless it is exactly how `base64url` writes them:
 * a lenient decoder also takes padding, whitespace, `+`/`/` and other values of the last
 * character's unused bits, which would give one signature several spellings.
 */
export function fromCanonicalBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
  return base64url(bytes) === text ? bytes : null;
}

export async function signLink(secret: string, claims: LinkClaims): Promise<string> {
  return base64url(await crypto.subtle.sign('HMAC', await hmacKey(secret), message(claims)));
}

/** WebCrypto's HMAC verify compares in constant time: no byte of the right signature leaks through timing. */
export async function verifyLink(secret: string, claims: LinkClaims, signature: string): Promise<boolean> {
  const bytes = fromCanonicalBase64url(signature);
  if (!bytes || bytes.length !== 32) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret), bytes, message(claims));
}
