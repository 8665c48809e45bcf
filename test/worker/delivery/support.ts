// A fulfilled digital order with its file in the real local R2 bucket, and its links.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { findProduct } from '../../../catalog';
import { bodyOf, type testApp } from '../support/app';
import { checkoutSession, delivery, event } from '../support/stripe';

export type TestApp = ReturnType<typeof testApp>;

export const PDF_KEY = findProduct('field-notes')!.files![0]!.key;
export const PNG_KEY = findProduct('trail-map-print')!.files![0]!.key;

/** Distinct bytes (not a repeated pattern), so a wrong offset cannot pass for the right one. */
export function fileBytes(size: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

export async function putFile(key: string, bytes: Uint8Array, contentType?: string) {
  return env.FILES!.put(key, bytes, contentType ? { httpMetadata: { contentType } } : undefined);
}

export async function buy(app: TestApp, productId = 'field-notes', overrides: Partial<Stripe.Checkout.Session> = {}) {
  const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
  const product = findProduct(productId)!;
  const session = checkoutSession({ payment_intent: paymentIntent, metadata: { product_id: productId }, amount_subtotal: product.price.amount, amount_total: product.price.amount, ...overrides });
  const completed = event('checkout.session.completed', session);
  const response = await app.send(await delivery(completed));
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  return { session, paymentIntent, eventId: completed.id };
}

export const get = (path: string, headers: HeadersInit = {}, method = 'GET') => new Request(`https://shop.example${path}`, { headers, method });

export async function orderOf(app: TestApp, sessionId: string, environment?: Parameters<TestApp['send']>[1]) {
  return bodyOf(app.client(environment).api.orders[':sessionId'].$get({ param: { sessionId } }));
}

export async function downloadCount(orderId: string, key: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count FROM download_counts WHERE order_id = ? AND file_key = ?').bind(orderId, key).first<{ count: number }>();
  return row?.count ?? 0;
}
