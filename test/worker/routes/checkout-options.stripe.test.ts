// POST /api/checkout with the seller's checkout options, against the suite's fake Stripe API:
// what reaches Stripe is what the config says, whatever the request carries.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bodyOf, refusalOf, snapshot, testApp } from '../support/app';
import { onSale, post, startCheckout, stripe, withStripe } from '../support/on-sale';
import type { Env } from '../../../worker/platform/env';

const EMBEDDED: Partial<Env> = { CHECKOUT_MODE: 'embedded', STRIPE_PUBLISHABLE_KEY: 'pk_test_51EmbeddedForTests' };
const withOptions = (vars: Partial<Env>) => ({ ...withStripe(), ...vars });
const buyerId = (label: string) => `buyer_${label}_${crypto.randomUUID().slice(0, 8)}`;

/** What the fake Stripe was asked, for this buyer's session creations. */
async function creationsFor(clientReferenceId: string): Promise<Record<string, unknown>[]> {
  const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as {
    requests: { method: string; path: string; params: Record<string, unknown> }[];
  };
  return requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions' && r.params.client_reference_id === clientReferenceId).map((r) => r.params);
}

const sessionOfSecret = (clientSecret: string) => clientSecret.split('_secret_')[0]!;

describe('POST /api/checkout in embedded mode', () => {
  it('creates an embedded_page session returning to the success page; answers its client_secret and the publishable key, no url', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const before = await snapshot();
    const body = await bodyOf(app.client(withOptions(EMBEDDED)).api.checkout.$post({ json: { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyerId('embedded') } }));
    expect(Object.keys(body).sort()).toEqual(['clientSecret', 'publishableKey']);
    if (!('clientSecret' in body)) throw new Error('expected an embedded checkout');
    expect(body.publishableKey).toBe('pk_test_51EmbeddedForTests');
    const session = await stripe.checkout.sessions.retrieve(sessionOfSecret(body.clientSecret));
    expect(session).toMatchObject({
      ui_mode: 'embedded_page',
      client_secret: body.clientSecret,
      return_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
      success_url: null,
      cancel_url: null,
      url: null,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('a misconfigured embedded shop (no publishable key) → 503 naming the var, no session created', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const buyer = buyerId('misconfigured');
    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer }), withOptions({ CHECKOUT_MODE: 'embedded' }));
    expect(response.status).toBe(503);
    expect(await refusalOf(response)).toMatch(/STRIPE_PUBLISHABLE_KEY/);
    expect(await creationsFor(buyer)).toEqual([]);
  });

  it('a live publishable key in a test shop → 503, no session created', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const buyer = buyerId('live_key');
    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer }), withOptions({ ...EMBEDDED, STRIPE_PUBLISHABLE_KEY: 'pk_live_51NotThisShop' }));
    expect(response.status).toBe(503);
    expect(await creationsFor(buyer)).toEqual([]);
  });
});

describe('POST /api/checkout options reach Stripe from the config alone', () => {
  it('promotion codes, automatic tax and phone collection are sent and the fake Stripe records them on the session', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const buyer = buyerId('switches');
    const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer }, {}, withOptions({ CHECKOUT_PROMOTION_CODES: 'true', CHECKOUT_AUTOMATIC_TAX: 'true', CHECKOUT_PHONE_NUMBER: 'true' }));
    const [params] = await creationsFor(buyer);
    expect(params).toMatchObject({ allow_promotion_codes: 'true', automatic_tax: { enabled: 'true' }, phone_number_collection: { enabled: 'true' } });
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ allow_promotion_codes: true, automatic_tax: { enabled: true }, phone_number_collection: { enabled: true } });
  });

  it('a physical product (catalog digital: false) gets shipping_address_collection in the catalog’s countries and its shipping rates; a digital one neither', async () => {
    const app = testApp();
    const { price: mug } = await onSale(app, { catalogId: 'enamel-mug', amount: 1800 });
    const { price: notes } = await onSale(app, { catalogId: 'field-notes' });
    const vars = withStripe();
    const physical = buyerId('physical');
    const digital = buyerId('digital');
    const shipped = await startCheckout(app, { items: [{ price: mug.id, quantity: 1 }], clientReferenceId: physical }, {}, vars);
    // Stripe (the fake validates the countries as Stripe does) kept them on the session.
    const session = await stripe.checkout.sessions.retrieve(shipped);
    expect(session.shipping_address_collection).toEqual({ allowed_countries: ['US', 'CA', 'GB'] });
    // Stripe made a Shipping Rate of each shipping_rate_data and lists them on the session.
    expect(session.shipping_options).toEqual([
      { shipping_amount: 500, shipping_rate: expect.stringMatching(/^shr_/) },
      { shipping_amount: 1500, shipping_rate: expect.stringMatching(/^shr_/) },
    ]);
    const standard = await stripe.shippingRates.retrieve(session.shipping_options[0]!.shipping_rate as string);
    expect(standard).toMatchObject({ object: 'shipping_rate', display_name: 'Standard', fixed_amount: { amount: 500, currency: 'usd' }, type: 'fixed_amount' });
    expect((await app.send(post('/api/checkout', { items: [{ price: notes.id, quantity: 1 }], clientReferenceId: digital }), vars)).status).toBe(200);
    expect((await creationsFor(physical))[0]).toMatchObject({ shipping_address_collection: { allowed_countries: ['US', 'CA', 'GB'] }, shipping_options: [{ shipping_rate_data: { display_name: 'Standard' } }, { shipping_rate_data: { display_name: 'Express' } }] });
    expect((await creationsFor(digital))[0]).not.toHaveProperty('shipping_address_collection');
    expect((await creationsFor(digital))[0]).not.toHaveProperty('shipping_options');
  });

  it('options and ui_mode in the request body are ignored: a hosted shop with every option off sends none of them', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const buyer = buyerId('forged');
    const response = await app.send(
      post('/api/checkout', {
        items: [{ price: price.id, quantity: 1 }],
        clientReferenceId: buyer,
        ui_mode: 'embedded_page',
        uiMode: 'embedded',
        allow_promotion_codes: true,
        shipping_address_collection: { allowed_countries: ['US'] },
        return_url: 'https://evil.example/',
      }),
      withStripe(),
    );
    expect(response.status).toBe(200);
    expect(Object.keys(await response.json())).toEqual(['url']);
    const [params] = await creationsFor(buyer);
    for (const name of ['ui_mode', 'return_url', 'allow_promotion_codes', 'shipping_address_collection', 'automatic_tax', 'phone_number_collection']) {
      expect(params).not.toHaveProperty(name);
    }
  });
});

describe('POST /api/checkout per-product quantity limit', () => {
  it('more of a product than its maxQuantity (enamel-mug: 4) → 400 naming the limit, no session created', async () => {
    const app = testApp();
    const { price } = await onSale(app, { catalogId: 'enamel-mug', amount: 1800 });
    const buyer = buyerId('too_many');
    const before = await snapshot();
    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 5 }], clientReferenceId: buyer }), withStripe());
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'at most 4 of Camp Enamel Mug per order (asked for 5)' });
    expect(await creationsFor(buyer)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('exactly maxQuantity is accepted', async () => {
    const app = testApp();
    const { price } = await onSale(app, { catalogId: 'enamel-mug', amount: 1800 });
    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 4 }], clientReferenceId: buyerId('four') }), withStripe());
    expect(response.status).toBe(200);
  });
});
