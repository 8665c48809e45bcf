import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalog, type Product } from '../../catalog';
import {
  buyAction,
  buyerFormFields,
  isValidClientReferenceId,
  normalizeApiBase,
  parseStripeMode,
  withBuyer,
  type BuyUrlOptions,
} from '../../site/src/checkout-link';
import { CLIENT_REFERENCE_ID } from '../../contract/ids';

// Stripe's rule for client_reference_id, written out here rather than imported, so the test is
// an independent statement of it.
const STRIPE_RULE = CLIENT_REFERENCE_ID;
const ALLOWED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

const TEST_LINK = 'https://buy.stripe.com/test_abc123';
const LIVE_LINK = 'https://buy.stripe.com/live_xyz789';

function product(links: { test?: string | null; live?: string | null } = {}): Product {
  return {
    id: 'field-notes',
    name: 'Field Notes Pattern Pack',
    description: 'Printable notebook layouts.',
    image: '/images/field-notes.svg',
    imageAlt: 'Notebook pages',
    price: { amount: 1200, currency: 'usd' },
    digital: true,
    paymentLinks: {
      test: { id: links.test ? 'plink_test' : null, url: links.test ?? null },
      live: { id: links.live ? 'plink_live' : null, url: links.live ?? null },
    },
  };
}

const both = product({ test: TEST_LINK, live: LIVE_LINK });
const ref = 'buyer_123-abc';

/** Where a Buy link goes once the page added the buyer (site/src/buy-link.ts); throws for a Buy form. */
function buyUrl(p: Product, options: BuyUrlOptions): string {
  const buy = buyAction(p, options);
  if (buy.method !== 'get') throw new Error(`${p.id}'s Buy is a form to ${buy.action}, not a link`);
  return withBuyer(buy.href, options);
}

describe('isValidClientReferenceId', () => {
  it.each([
    ['1 char', 'a'],
    ['200 chars', 'a'.repeat(200)],
    ['all allowed characters', ALLOWED],
    ['a UUID', '3f1c2b9e-8d4a-4f6b-9c1e-2a7d5e8f0b13'],
    ['underscores and hyphens only', '_-_-'],
  ])('accepts %s', (_label, id) => {
    expect(isValidClientReferenceId(id)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['201 chars', 'a'.repeat(201)],
    ['a space', 'user 123'],
    ['a leading space', ' user123'],
    ['a trailing newline', 'user123\n'],
    ['a dot', 'user.123'],
    ['an @', 'ada@example.com'],
    ['a slash', 'a/b'],
    ['a plus', 'a+b'],
    ['accented letters', 'usér'],
    ['non-Latin letters', 'ユーザー'],
    ['an emoji', 'user🙂'],
    ['a fullwidth digit', 'user１'],
  ])('rejects %s', (_label, id) => {
    expect(isValidClientReferenceId(id)).toBe(false);
  });

  it.each([null, undefined, 123, {}, ['abc'], true])('rejects the non-string %j', (value) => {
    expect(isValidClientReferenceId(value)).toBe(false);
  });

  it('is valid exactly when the string is 1–200 characters of [A-Za-z0-9_-]', () => {
    const allowedOnly = fc.string({ unit: fc.constantFrom(...ALLOWED), minLength: 0, maxLength: 210 });
    const nearBoundary = fc
      .tuple(fc.constantFrom(...ALLOWED), fc.integer({ min: 195, max: 205 }))
      .map(([c, n]) => c.repeat(n));
    const anything = fc.oneof(
      allowedOnly,
      nearBoundary,
      fc.string({ maxLength: 250 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.string({ unit: 'binary', maxLength: 50 }),
      // Mostly valid with one arbitrary character spliced in.
      fc.tuple(allowedOnly, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), allowedOnly).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(anything, (id) => isValidClientReferenceId(id) === STRIPE_RULE.test(id)),
      { numRuns: 2000 },
    );
  });
});

describe('parseStripeMode', () => {
  it('is live only for exactly "live"', () => {
    expect(parseStripeMode('live')).toBe('live');
    expect(parseStripeMode('test')).toBe('test');
    expect(parseStripeMode(undefined)).toBe('test');
    expect(parseStripeMode('')).toBe('test');
    expect(parseStripeMode('LIVE')).toBe('test');
    expect(parseStripeMode(' live')).toBe('test');
  });
});

describe('normalizeApiBase', () => {
  it('trims whitespace and trailing slashes', () => {
    expect(normalizeApiBase(undefined)).toBe('');
    expect(normalizeApiBase('')).toBe('');
    expect(normalizeApiBase('/')).toBe('');
    expect(normalizeApiBase(' https://api.example.com/ ')).toBe('https://api.example.com');
    expect(normalizeApiBase('https://api.example.com/shop///')).toBe('https://api.example.com/shop');
    expect(normalizeApiBase('/shop-api/')).toBe('/shop-api');
  });
});

describe('buyAction, as a link with the buyer (withBuyer)', () => {
  it('uses the test Payment Link in test mode with client_reference_id added', () => {
    const url = new URL(buyUrl(both, { mode: 'test', apiBase: '', clientReferenceId: ref }));
    expect(`${url.origin}${url.pathname}`).toBe(TEST_LINK);
    expect(url.searchParams.get('client_reference_id')).toBe(ref);
    expect(url.searchParams.has('prefilled_email')).toBe(false);
    expect([...url.searchParams.keys()]).toEqual(['client_reference_id']);
  });

  it('uses the live Payment Link in live mode', () => {
    const url = new URL(buyUrl(both, { mode: 'live', apiBase: '', clientReferenceId: ref }));
    expect(`${url.origin}${url.pathname}`).toBe(LIVE_LINK);
    expect(url.searchParams.get('client_reference_id')).toBe(ref);
  });

  it('adds prefilled_email (trimmed) only when an email is given', () => {
    const withEmail = new URL(
      buyUrl(both, { mode: 'test', apiBase: '', clientReferenceId: ref, email: ' ada+shop@example.com ' }),
    );
    expect(withEmail.searchParams.get('prefilled_email')).toBe('ada+shop@example.com');
    expect(withEmail.searchParams.get('client_reference_id')).toBe(ref);

    for (const email of [null, undefined, '', '   ']) {
      const url = new URL(buyUrl(both, { mode: 'test', apiBase: '', clientReferenceId: ref, email }));
      expect(url.searchParams.has('prefilled_email'), JSON.stringify(email)).toBe(false);
    }
  });

  it('keeps query parameters the Payment Link already has', () => {
    const linked = product({ test: `${TEST_LINK}?locale=fr&utm_source=site&utm_campaign=spring%20sale` });
    const url = new URL(buyUrl(linked, { mode: 'test', apiBase: '', clientReferenceId: ref, email: 'ada@example.com' }));
    expect(`${url.origin}${url.pathname}`).toBe(TEST_LINK);
    expect(url.searchParams.get('locale')).toBe('fr');
    expect(url.searchParams.get('utm_source')).toBe('site');
    expect(url.searchParams.get('utm_campaign')).toBe('spring sale');
    expect(url.searchParams.get('client_reference_id')).toBe(ref);
    expect(url.searchParams.get('prefilled_email')).toBe('ada@example.com');
  });

  it('replaces a client_reference_id already on the link instead of sending two', () => {
    const linked = product({ test: `${TEST_LINK}?client_reference_id=stale&prefilled_email=old%40example.com` });
    const url = new URL(buyUrl(linked, { mode: 'test', apiBase: '', clientReferenceId: ref, email: 'new@example.com' }));
    expect(url.searchParams.getAll('client_reference_id')).toEqual([ref]);
    expect(url.searchParams.getAll('prefilled_email')).toEqual(['new@example.com']);
  });

  it("is a form POSTing to the worker's checkout /products/<id>/checkout when the mode has no link", () => {
    const liveOnly = product({ live: LIVE_LINK });
    expect(buyAction(liveOnly, { mode: 'test', apiBase: '' })).toEqual({ method: 'post', action: '/products/field-notes/checkout' });
    const testOnly = product({ test: TEST_LINK });
    expect(buyAction(testOnly, { mode: 'live', apiBase: 'https://api.example.com/shop' })).toEqual({ method: 'post', action: 'https://api.example.com/shop/products/field-notes/checkout' });
  });

  it("is the worker's checkout for every product of the sample catalog (it has no links yet)", () => {
    expect(catalog.products.length).toBeGreaterThan(0);
    for (const p of catalog.products) {
      expect(buyAction(p, { mode: 'test', apiBase: '' })).toEqual({ method: 'post', action: `/products/${p.id}/checkout` });
    }
  });

  it("a Payment Link of the mode wins over the worker's checkout", () => {
    const testOnly = product({ test: TEST_LINK });
    expect(buyAction(testOnly, { mode: 'test', apiBase: 'https://api.example.com' })).toEqual({ method: 'get', href: TEST_LINK });
    expect(buyAction(testOnly, { mode: 'live', apiBase: '' })).toEqual({ method: 'post', action: '/products/field-notes/checkout' });
  });

  it("encodes the product id in the worker's checkout path", () => {
    const odd = { ...product(), id: 'a&b=c d' };
    expect(buyAction(odd, { mode: 'test', apiBase: '' })).toEqual({ method: 'post', action: '/products/a%26b%3Dc%20d/checkout' });
  });

  it.each(['', ' ', 'a'.repeat(201), 'user.123', 'ada@example.com', 'ユーザー'])(
    'throws for the invalid client reference %j',
    (bad) => {
      expect(() => buyUrl(both, { mode: 'test', apiBase: '', clientReferenceId: bad })).toThrow(TypeError);
      expect(() => buyerFormFields({ clientReferenceId: bad, email: null })).toThrow(TypeError);
    },
  );

  it('round-trips any valid reference and any email through the URL', () => {
    const id = fc.string({ unit: fc.constantFrom(...ALLOWED), minLength: 1, maxLength: 200 });
    const email = fc.option(fc.string({ maxLength: 40 }), { nil: null });
    fc.assert(
      fc.property(id, email, fc.constantFrom<'test' | 'live'>('test', 'live'), (clientReferenceId, mail, mode) => {
        const url = new URL(buyUrl(both, { mode, apiBase: '', clientReferenceId, email: mail }));
        expect(`${url.origin}${url.pathname}`).toBe(mode === 'live' ? LIVE_LINK : TEST_LINK);
        expect(url.searchParams.get('client_reference_id')).toBe(clientReferenceId);
        const expectedEmail = mail?.trim() || null;
        expect(url.searchParams.get('prefilled_email')).toBe(expectedEmail);
      }),
    );
  });
});

describe('buyerFormFields', () => {
  it('are the fields a Buy form POSTs: the reference, and the email (trimmed) only when known', () => {
    expect(buyerFormFields({ clientReferenceId: 'buyer_42', email: null })).toEqual({ client_reference_id: 'buyer_42' });
    expect(buyerFormFields({ clientReferenceId: 'buyer_42', email: '  ' })).toEqual({ client_reference_id: 'buyer_42' });
    expect(buyerFormFields({ clientReferenceId: 'buyer_42', email: ' a@b.example ' })).toEqual({ client_reference_id: 'buyer_42', prefilled_email: 'a@b.example' });
  });

  it('are the same names and values withBuyer puts on a Buy link', () => {
    const buyer = { clientReferenceId: 'b_abc-DEF_123', email: 'someone@example.com' };
    const link = new URL(buyUrl(both, { mode: 'test', apiBase: '', ...buyer }));
    const fields = buyerFormFields(buyer);
    for (const [name, value] of Object.entries(fields)) expect(link.searchParams.get(name)).toBe(value);
  });

  it('refuses an invalid reference rather than sending it', () => {
    expect(() => buyerFormFields({ clientReferenceId: 'not valid!', email: null })).toThrow(TypeError);
  });
});
