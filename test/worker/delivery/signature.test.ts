import { describe, expect, it } from 'vitest';
import { base64url, fromCanonicalBase64url, signLink, verifyLink } from '../../../worker/delivery/signature';

const SECRET = 'download_secret_for_the_signature_tests_0123456789';
const CLAIMS = { token: 'dl_test_signature', key: 'files/notes.pdf', expires: 1_900_000_000 };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The other spellings of the same 32 bytes: a 43-character base64url string carries 258 bits,
 * so the last character's two low bits are padding that a lenient decoder ignores.
 */
function sameBytesOtherSpellings(signature: string): string[] {
  const last = ALPHABET.indexOf(signature.at(-1)!);
  return [0, 1, 2, 3].map((low) => ALPHABET[(last & ~3) | low]!).filter((char) => char !== signature.at(-1)).map((char) => signature.slice(0, -1) + char);
}

describe('verifyLink', () => {
  it('accepts the signature signLink made', async () => {
    expect(await verifyLink(SECRET, CLAIMS, await signLink(SECRET, CLAIMS))).toBe(true);
  });

  it('refuses the three other spellings of the same signature bytes', async () => {
    const signature = await signLink(SECRET, CLAIMS);
    const spellings = sameBytesOtherSpellings(signature);
    expect(spellings).toHaveLength(3);
    for (const spelling of spellings) expect(await verifyLink(SECRET, CLAIMS, spelling), spelling).toBe(false);
  });

  it('refuses the signature written in standard base64, padded, or with whitespace', async () => {
    const signature = await signLink(SECRET, CLAIMS);
    const standard = signature.replaceAll('-', '+').replaceAll('_', '/');
    for (const spelling of [`${signature}=`, ` ${signature}`, `${signature.slice(0, 20)}\n${signature.slice(20)}`, ...(standard === signature ? [] : [standard])]) {
      expect(await verifyLink(SECRET, CLAIMS, spelling), JSON.stringify(spelling)).toBe(false);
    }
  });
});

describe('fromCanonicalBase64url', () => {
  it('reads back what base64url wrote, for every length', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) % 256);
      expect(fromCanonicalBase64url(base64url(bytes))).toEqual(bytes);
    }
  });

  it.each(['QR', 'QUF', 'QUFB=', 'QU+B', 'QU/B', 'Q', 'QUFB QUFB', '!!!!'])('%j is not canonical base64url: null', (text) => {
    // 'QR' and 'QUF' differ from the canonical 'QQ' (one byte) and 'QUE' (two) only in padding bits.
    expect(fromCanonicalBase64url(text)).toBeNull();
  });
});
