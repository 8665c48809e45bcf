// Steps of the purchase flow on the shared shop, written against the site's public contract:
// `[data-buy="<id>"]` Buy, the local Stripe's hosted checkout (its Pay / Pay later / Pay and
// fail / Cancel buttons), `#order-status[data-status]`.
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { expect, inject } from 'vitest';
import { CHECKOUT_SESSION_ID, DERIVED_BUYER_ID } from '../../../contract/ids';
import { STRIPE_TEST_KEY } from './constants';
import type { OrderResponse as ApiOrder } from '../../../contract/api';
import { parseResponse } from 'hono/client';
import { apiClient } from '../../../site/src/api';

export type CheckoutAction = 'pay' | 'pay_later' | 'fail' | 'cancel';

export type { OrderResponse as ApiOrder } from '../../../contract/api';

/** Loads the product grid and waits until the product cards are rendered. */
export async function openGrid(page: Page): Promise<void> {
  await page.goto('/');
  await page.waitForSelector('[data-buy]');
}

/** Loads `/products/<id>` and waits for its Buy link. */
export async function openProduct(page: Page, productId: string): Promise<void> {
  await page.goto(`/products/${encodeURIComponent(productId)}`);
  await page.waitForSelector(`[data-buy="${productId}"]`);
}

/** A Checkout Session as the shared shop's local Stripe has it. */
export async function localStripeSession(sessionId: string): Promise<Stripe.Checkout.Session> {
  const response = await fetch(`${inject('localStripeUrl')}/v1/checkout/sessions/${encodeURIComponent(sessionId)}`, { headers: { authorization: `Bearer ${STRIPE_TEST_KEY}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Stripe.Checkout.Session;
}

/**
 * Clicks the product's Buy on the current page and waits for the local Stripe's hosted checkout;
 * its session is for that product and carries this browser's buyer.
 */
export async function clickBuy(page: Page, productId: string): Promise<void> {
  const stripeOrigin = new URL(inject('localStripeUrl')).origin;
  await Promise.all([page.waitForURL((url) => url.origin === stripeOrigin && url.pathname.startsWith('/pay/')), page.click(`[data-buy="${productId}"]`)]);
  const session = await localStripeSession(new URL(page.url()).pathname.split('/').pop()!);
  expect(session.metadata?.product_id).toBe(productId);
  expect(session.client_reference_id).toMatch(DERIVED_BUYER_ID);
}

/** Submits the hosted checkout's form with one of its actions; resolves once the redirect target loaded. */
export async function checkout(page: Page, action: CheckoutAction): Promise<URL> {
  const target = action === 'cancel' ? '/cancel' : '/success';
  await Promise.all([
    page.waitForURL((url) => url.pathname === target),
    page.click(`button[name="action"][value="${action}"]`),
  ]);
  return new URL(page.url());
}

/** The Checkout Session id the success page was sent, from its URL. */
export function sessionIdOf(url: URL): string {
  const sessionId = url.searchParams.get('session_id');
  expect(sessionId).toMatch(CHECKOUT_SESSION_ID);
  expect(sessionId?.startsWith('cs_test_')).toBe(true);
  return sessionId as string;
}

/** Waits (Playwright's own waiting, no sleeps) until the status region shows `status`. */
export async function waitForStatus(page: Page, status: string, timeout = 30_000): Promise<void> {
  await page.waitForSelector(`#order-status[data-status="${status}"]`, { timeout });
}

/**
 * Records every `data-status` the status region takes, in order, on every page this Page
 * loads from now on, so a short-lived status cannot slip between two checks.
 * Call before navigating to the success page.
 */
export async function recordStatusHistory(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const history: string[] = [];
    (window as unknown as { __statusHistory: string[] }).__statusHistory = history;
    const note = () => {
      const status = document.getElementById('order-status')?.getAttribute('data-status');
      if (status && history[history.length - 1] !== status) history.push(status);
    };
    new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

/** Waits until the recorded history contains `status` (see `recordStatusHistory`). */
export async function waitForStatusInHistory(page: Page, status: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction((wanted) => (window as unknown as { __statusHistory?: string[] }).__statusHistory?.includes(wanted), status, {
    timeout,
  });
}

/** The statuses the region has shown so far on the current page, consecutive repeats collapsed. */
export async function statusHistory(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((window as unknown as { __statusHistory?: string[] }).__statusHistory ?? [])]);
}

/** The worker's view of the order, fetched directly (not through the page). */
export async function apiOrder(baseUrl: string, sessionId: string): Promise<ApiOrder> {
  const response = await apiClient(baseUrl).orders[':sessionId'].$get({ param: { sessionId } }, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  return parseResponse(response);
}
