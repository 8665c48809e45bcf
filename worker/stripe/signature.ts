// Stripe webhook signatures, verified with WebCrypto so the worker needs no Node
// APIs and no SDK. Scheme: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`,
// where each v1 is HMAC-SHA256(secret, `${t}.${rawBody}`). Any v1 may match any
// configured secret (secrets rotate, and the CLI and the dashboard sign with
// different ones); v0 is a legacy test scheme and is ignored.

export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe sends one v1 per signing secret of the endpoint (two while a secret rolls); more is an attack on our CPU. */
export const MAX_V1_SIGNATURES = 8;
/** Stripe's headers are a few hundred characters; this bounds the parsing, and the candidates with it. */
export const MAX_SIGNATURE_HEADER_LENGTH = 8 * 1024;

export interface SignatureHeader {
  timestamp: number;
  signatures: Uint8Array[];
}

export type HeaderParse = { ok: true; header: SignatureHeader } | { ok: false; reason: string };

export type Verdict = { ok: true; timestamp: number } | { ok: false; reason: string };

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

export function parseSignatureHeader(value: string | null | undefined): HeaderParse {
  if (value === null || value === undefined || value.trim() === '') {
    return { ok: false, reason: 'missing Stripe-Signature header' };
  }
  if (value.length > MAX_SIGNATURE_HEADER_LENGTH) {
    return { ok: false, reason: `Stripe-Signature header longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters (Stripe's are a few hundred)` };
  }
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  let v1Count = 0;
  for (const part of value.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 1) continue;
    const key = part.slice(0, separator).trim();
    const item = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(item)) {
        return { ok: false, reason: 'malformed Stripe-Signature header: bad or repeated timestamp' };
      }
      timestamp = Number(item);
    } else if (key === 'v1') {
      // Counted malformed or not: the cap is on what a sender may ask of us.
      if (++v1Count > MAX_V1_SIGNATURES) {
        return { ok: false, reason: `more than ${MAX_V1_SIGNATURES} v1 signatures in Stripe-Signature header (Stripe sends one per signing secret)` };
      }
      if (HEX_SHA256.test(item)) signatures.push(hexToBytes(item));
    }
  }
  if (timestamp === undefined) {
    return { ok: false, reason: 'malformed Stripe-Signature header: no timestamp' };
  }
  if (signatures.length === 0) {
    return { ok: false, reason: 'malformed Stripe-Signature header: no v1 signature' };
  }
  return { ok: true, header: { timestamp, signatures } };
}

export interface VerifyInput {
  payload: Uint8Array;
  header: string | null | undefined;
  secrets: string[];
  nowSeconds: number;
  toleranceSeconds?: number;
}

export async function verifySignature(input: VerifyInput): Promise<Verdict> {
  const parsed = parseSignatureHeader(input.header);
  if (!parsed.ok) return parsed;
  const { timestamp, signatures } = parsed.header;
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  // Both directions: a timestamp from the future is as suspect as a replayed old one.
  const skew = input.nowSeconds - timestamp;
  if (Math.abs(skew) > tolerance) {
    return {
      ok: false,
      reason: `timestamp outside the tolerance zone (${skew} s from now, tolerance ${tolerance} s)`,
    };
  }
  const signed = signedBytes(timestamp, input.payload);
  // One HMAC per secret, however many candidates: hashing the payload is the cost, comparing is free.
  for (const secret of input.secrets) {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), signed));
    let matched = false;
    for (const signature of signatures) matched = equalInConstantTime(expected, signature) || matched;
    if (matched) return { ok: true, timestamp };
  }
  return {
    ok: false,
    reason: 'no signature matches a configured secret (is STRIPE_WEBHOOK_SECRET the signing secret of this endpoint, or of `stripe listen`?)',
  };
}

/** Builds a `Stripe-Signature` header exactly as Stripe does; used by the local checkout stand-in. */
export async function signPayload(secret: string, payload: string, timestampSeconds: number): Promise<string> {
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign('HMAC', key, signedBytes(timestampSeconds, new TextEncoder().encode(payload)));
  return `t=${timestampSeconds},v1=${bytesToHex(new Uint8Array(mac))}`;
}

// Importing a key costs more than the HMAC itself; secrets change only on deploy.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

/** Byte equality whose time does not depend on where the first difference is (no early exit). */
function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function signedBytes(timestamp: number, payload: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`${timestamp}.`);
  const bytes = new Uint8Array(prefix.length + payload.length);
  bytes.set(prefix, 0);
  bytes.set(payload, prefix.length);
  return bytes;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
