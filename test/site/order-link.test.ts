import { describe, expect, it } from 'vitest';
import { buyerOrderLink, copyText } from '../../site/admin/src/order-link';

describe("the buyer's order link in the back office", () => {
  it('is the site’s /success with the session id', () => {
    expect(buyerOrderLink('https://shop.example', 'cs_live_a1B2')).toBe('https://shop.example/success?session_id=cs_live_a1B2');
  });

  it('copies through the clipboard when the browser allows it', async () => {
    const written: string[] = [];
    await expect(copyText('https://shop.example/success?session_id=cs_test_1', { writeText: async (text) => void written.push(text) })).resolves.toBe('copied');
    expect(written).toEqual(['https://shop.example/success?session_id=cs_test_1']);
  });

  it('falls back to selecting the field when the clipboard refuses or is missing', async () => {
    await expect(copyText('x', { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) })).resolves.toBe('select');
    await expect(copyText('x', undefined)).resolves.toBe('select');
  });
});
