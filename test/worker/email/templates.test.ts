// Every message escapes what it did not write itself: a product named <script> stays text in the
// HTML part, in the body and in the title; the text part keeps it as typed.
import { describe, expect, it } from 'vitest';
import { accessEnded } from '../../../worker/email/templates/access-ended';
import { fileUpdated } from '../../../worker/email/templates/file-updated';
import type { Rendered } from '../../../worker/email/templates/layout';
import { libraryLink } from '../../../worker/email/templates/library-link';
import { paymentFailed, paymentPending } from '../../../worker/email/templates/payment-status';
import { receipt } from '../../../worker/email/templates/receipt';

const hostile = '<script>alert("x")</script>';
const shop = { name: `Shop ${hostile}`, supportEmail: `help+${hostile}@shop.example` };
const orderUrl = `https://shop.example/success?session_id=cs_test_1&x="><script>`;

const rendered: [string, Rendered][] = [
  [
    'receipt',
    receipt({
      shop,
      orderId: 'cs_test_1',
      lines: [{ description: hostile, quantity: 1, amount: '$12.00' }],
      discount: '$1.00',
      shipping: '$4.00',
      shipTo: [hostile, '12 Harbour Lane'],
      total: '$15.00',
      licenceKeys: [{ product: hostile, key: hostile }],
      hasDownloads: true,
      orderUrl,
      libraryUrl: 'https://shop.example/library',
    }),
  ],
  ['payment pending', paymentPending({ shop, orderId: 'cs_test_1', items: [hostile], total: '$12.00', orderUrl })],
  ['payment failed', paymentFailed({ shop, orderId: 'cs_test_1', items: [hostile], total: '$12.00', orderUrl })],
  ['access ended', accessEnded({ shop, orderId: 'cs_test_1', items: [hostile], reason: 'refunded', orderUrl })],
  ['file updated', fileUpdated({ shop, orderId: 'cs_test_1', fileName: hostile, productName: hostile, note: hostile, orderUrl })],
  ['library link', libraryLink({ shop, link: `https://shop.example/library/open?token=${hostile}`, minutes: 15 })],
];

describe('every template escapes a product named <script>', () => {
  it.each(rendered)('%s: the HTML part holds no <script> and no raw quote of the name or the link; the text part keeps the name', (_name, message) => {
    expect(message.html).not.toMatch(/<script/i);
    expect(message.html).toContain('&#60;script&#62;');
    expect(message.html).not.toContain('alert("x")');
    expect(message.html).not.toContain('x="');
    expect(message.text).toContain(hostile);
  });
});

describe('the receipt of goods to ship', () => {
  const base = { shop, orderId: 'cs_test_1', lines: [{ description: 'Camp Enamel Mug', quantity: 1, amount: '$18.00' }], discount: null, total: '$22.00', licenceKeys: [], hasDownloads: false, orderUrl, libraryUrl: 'https://shop.example/library' };

  it('names the shipping cost and the address the buyer gave, in both parts', () => {
    const message = receipt({ ...base, shipping: '$4.00', shipTo: ['Ada Lovelace', '12 Harbour Lane', 'Portsmouth NH 03801', 'US'] });
    for (const part of [message.text, message.html]) {
      expect(part).toContain('Shipping');
      expect(part).toContain('$4.00');
      expect(part).toContain('12 Harbour Lane');
      expect(part).toContain('Portsmouth NH 03801');
    }
    expect(message.text).toContain('We will ship your order to:');
  });

  it('a digital order’s receipt says nothing of shipping', () => {
    const message = receipt({ ...base, shipping: null, shipTo: null });
    expect(message.text).not.toMatch(/ship/i);
    expect(message.html).not.toMatch(/ship/i);
  });
});
