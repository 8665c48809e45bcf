import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { testApp } from '../support/app';
import { delivery, event, fixture } from '../support/stripe';

const row = (table: string, id: string) => env.DB.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id).first<Record<string, unknown>>();

describe('products, prices, customers and payment links are mirrored', () => {
  it('product: created, a stale update ignored, archived, deleted for good', async () => {
    const { send } = testApp();
    const product = { ...fixture<Stripe.Product>('product'), id: 'prod_mirror_1' };
    await send(await delivery(event('product.created', product, { created: 100 })));
    expect(await row('stripe_products', 'prod_mirror_1')).toMatchObject({ name: 'T-shirt', active: 1, deleted: 0, synced_created: 100 });

    await send(await delivery(event('product.updated', { ...product, name: 'Renamed' }, { created: 300 })));
    await send(await delivery(event('product.updated', { ...product, name: 'Stale name' }, { created: 200 })));
    expect(await row('stripe_products', 'prod_mirror_1')).toMatchObject({ name: 'Renamed', synced_created: 300 });

    await send(await delivery(event('product.updated', { ...product, name: 'Renamed', active: false }, { created: 400 })));
    expect(await row('stripe_products', 'prod_mirror_1')).toMatchObject({ active: 0, deleted: 0 });

    await send(await delivery(event('product.deleted', product, { created: 500 })));
    await send(await delivery(event('product.updated', { ...product, name: 'Revived?' }, { created: 600 })));
    expect(await row('stripe_products', 'prod_mirror_1')).toMatchObject({ deleted: 1, active: 0, name: 'T-shirt' });
  });

  it('price: keeps amount, currency, recurrence and the raw object', async () => {
    const { send } = testApp();
    const price = { ...fixture<Stripe.Price>('price'), id: 'price_mirror_1' };
    await send(await delivery(event('price.created', price)));
    const stored = await row('stripe_prices', 'price_mirror_1');
    expect(stored).toMatchObject({ product: 'prod_QXg1hqf4jFNsqG', unit_amount: 2000, currency: 'usd', type: 'recurring', recurring_interval: 'month', active: 1 });
    expect(JSON.parse(stored!.raw as string)).toEqual(price);
  });

  it('customer: created then deleted (Stripe sends a deleted stub)', async () => {
    const { send } = testApp();
    const customer = { ...fixture<Stripe.Customer>('customer'), id: 'cus_mirror_1', email: 'ada@example.com' };
    await send(await delivery(event('customer.created', customer, { created: 100 })));
    expect(await row('stripe_customers', 'cus_mirror_1')).toMatchObject({ email: 'ada@example.com', deleted: 0 });
    await send(await delivery(event('customer.deleted', { ...fixture('deleted_customer'), id: 'cus_mirror_1' }, { created: 200 })));
    expect(await row('stripe_customers', 'cus_mirror_1')).toMatchObject({ deleted: 1 });
  });

  it('payment link: created and deactivated', async () => {
    const { send } = testApp();
    const link = { ...fixture<Stripe.PaymentLink>('payment_link'), id: 'plink_mirror_1' };
    await send(await delivery(event('payment_link.created', link, { created: 100 })));
    await send(await delivery(event('payment_link.updated', { ...link, active: false }, { created: 200 })));
    expect(await row('stripe_payment_links', 'plink_mirror_1')).toMatchObject({ active: 0, url: link.url });
  });
});
