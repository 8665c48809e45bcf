// The seller's checkout config (wrangler.toml [vars]) and the session parameters it makes.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { sessionParams } from '../../../worker/checkout/sessions';
import { checkoutSettings, type CheckoutSettings } from '../../../worker/checkout/settings';
import type { SellablePrice } from '../../../worker/store/catalog';
import { testEnv } from '../support/app';

const defaults: CheckoutSettings = { mode: 'payment-link', promotionCodes: false, automaticTax: false, phoneNumber: false, publishableKey: null };
const settingsOf = (vars: Record<string, string>) => checkoutSettings(testEnv({ STRIPE_MODE: 'test', ...vars }));

describe('checkoutSettings', () => {
  it('with no CHECKOUT_* vars: payment-link mode, every option off', () => {
    expect(settingsOf({})).toEqual({ ok: true, settings: defaults });
  });

  it('wrangler.toml as shipped: valid, payment-link mode, every option off', () => {
    expect(checkoutSettings(env.PRODUCTION_VARS)).toEqual({ ok: true, settings: defaults });
  });

  it('reads every option', () => {
    expect(
      settingsOf({
        CHECKOUT_MODE: 'embedded',
        STRIPE_PUBLISHABLE_KEY: 'pk_test_51Example',
        CHECKOUT_PROMOTION_CODES: 'true',
        CHECKOUT_AUTOMATIC_TAX: 'true',
        CHECKOUT_PHONE_NUMBER: 'true',
      }),
    ).toEqual({
      ok: true,
      settings: { mode: 'embedded', promotionCodes: true, automaticTax: true, phoneNumber: true, publishableKey: 'pk_test_51Example' },
    });
  });

  it.each([
    [{ CHECKOUT_MODE: 'iframe' }, /^CHECKOUT_MODE must be one of payment-link, hosted, embedded/],
    [{ CHECKOUT_MODE: 'embedded' }, /^CHECKOUT_MODE=embedded needs STRIPE_PUBLISHABLE_KEY/],
    [{ CHECKOUT_PROMOTION_CODES: 'yes' }, /^CHECKOUT_PROMOTION_CODES must be "true" or "false"/],
    [{ STRIPE_PUBLISHABLE_KEY: 'sk_test_secret' }, /^STRIPE_PUBLISHABLE_KEY must be a publishable key/],
    [{ STRIPE_PUBLISHABLE_KEY: 'pk_live_51Example' }, /^STRIPE_PUBLISHABLE_KEY is a live key but this shop serves test mode/],
    [{ STRIPE_MODE: 'live', STRIPE_PUBLISHABLE_KEY: 'pk_test_51Example' }, /^STRIPE_PUBLISHABLE_KEY is a test key but this shop serves live mode/],
  ])('%j → refused, naming the var', (vars, message) => {
    const result = settingsOf(vars);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });
});

const price = (id: string, catalogId: string | null, type: SellablePrice['type'] = 'one_time'): SellablePrice => ({ id, product: `prod_${id}`, type, catalogId });
const request = (items: { price: string; quantity: number }[]) => ({ items, clientReferenceId: 'buyer_1', email: null });

describe('sessionParams', () => {
  it('embedded: ui_mode embedded_page and a return_url to the success page, no success or cancel url', () => {
    const params = sessionParams(request([{ price: 'price_a', quantity: 1 }]), [price('price_a', 'field-notes')], { ...defaults, mode: 'embedded', publishableKey: 'pk_test_x' }, 'https://shop.example');
    expect(params).toMatchObject({ ui_mode: 'embedded_page', return_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}' });
    expect(params).not.toHaveProperty('success_url');
    expect(params).not.toHaveProperty('cancel_url');
  });

  it('hosted and payment-link: success and cancel urls, no ui_mode', () => {
    for (const mode of ['hosted', 'payment-link'] as const) {
      const params = sessionParams(request([{ price: 'price_a', quantity: 1 }]), [price('price_a', 'field-notes')], { ...defaults, mode }, 'https://shop.example');
      expect(params).toMatchObject({ success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}', cancel_url: 'https://shop.example/cart' });
      expect(params).not.toHaveProperty('ui_mode');
    }
  });

  const shop = { countries: ['US', 'CA'], rates: [{ name: 'Standard', amount: 500, currency: 'usd', minDays: 3, maxDays: 7 }, { name: 'Pickup', amount: 0, currency: 'usd' }] };

  it('a cart with a physical product asks an address in the catalog’s countries and offers its rates (shipping_rate_data); a digital cart neither', () => {
    const mixed = sessionParams(request([{ price: 'price_n', quantity: 1 }, { price: 'price_m', quantity: 2 }]), [price('price_n', 'field-notes'), price('price_m', 'enamel-mug')], defaults, 'https://shop.example', shop);
    expect(mixed.shipping_address_collection).toEqual({ allowed_countries: ['US', 'CA'] } satisfies Stripe.Checkout.SessionCreateParams.ShippingAddressCollection);
    expect(mixed.shipping_options).toEqual([
      {
        shipping_rate_data: {
          display_name: 'Standard',
          type: 'fixed_amount',
          fixed_amount: { amount: 500, currency: 'usd' },
          delivery_estimate: { minimum: { unit: 'business_day', value: 3 }, maximum: { unit: 'business_day', value: 7 } },
          metadata: { catalog_shipping_rate: 'Standard|500|usd|3|7' },
        },
      },
      { shipping_rate_data: { display_name: 'Pickup', type: 'fixed_amount', fixed_amount: { amount: 0, currency: 'usd' }, metadata: { catalog_shipping_rate: 'Pickup|0|usd||' } } },
    ] satisfies Stripe.Checkout.SessionCreateParams.ShippingOption[]);
    const notes = sessionParams(request([{ price: 'price_n', quantity: 1 }]), [price('price_n', 'field-notes')], defaults, 'https://shop.example', shop);
    expect(notes).not.toHaveProperty('shipping_address_collection');
    expect(notes).not.toHaveProperty('shipping_options');
  });

  it('countries without rates: an address is asked and no shipping is charged; no countries: nothing is asked', () => {
    const mug = [price('price_m', 'enamel-mug')];
    const free = sessionParams(request([{ price: 'price_m', quantity: 1 }]), mug, defaults, 'https://shop.example', { countries: ['GB'] });
    expect(free.shipping_address_collection).toEqual({ allowed_countries: ['GB'] });
    expect(free).not.toHaveProperty('shipping_options');
    const none = sessionParams(request([{ price: 'price_m', quantity: 1 }]), mug, defaults, 'https://shop.example', null);
    expect(none).not.toHaveProperty('shipping_address_collection');
  });

  it('the shipped catalog’s settings are the default: the mug asks an address in US, CA, GB', () => {
    const mug = sessionParams(request([{ price: 'price_m', quantity: 1 }]), [price('price_m', 'enamel-mug')], defaults, 'https://shop.example');
    expect(mug.shipping_address_collection).toEqual({ allowed_countries: ['US', 'CA', 'GB'] });
    expect(mug.shipping_options?.map((option) => option.shipping_rate_data?.display_name)).toEqual(['Standard', 'Express']);
  });

  it('each switch adds its parameter, and nothing when off', () => {
    const on = sessionParams(request([{ price: 'price_a', quantity: 1 }]), [price('price_a', null)], { ...defaults, promotionCodes: true, automaticTax: true, phoneNumber: true }, 'https://shop.example');
    expect(on).toMatchObject({ allow_promotion_codes: true, automatic_tax: { enabled: true }, phone_number_collection: { enabled: true } });
    const off = sessionParams(request([{ price: 'price_a', quantity: 1 }]), [price('price_a', null)], defaults, 'https://shop.example');
    for (const name of ['allow_promotion_codes', 'automatic_tax', 'phone_number_collection']) expect(off).not.toHaveProperty(name);
  });
});
