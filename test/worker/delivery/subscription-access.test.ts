// Whether a subscription's files and licence keys are served: one pure decision from Stripe's
// status as mirrored, the start of the period being billed, the past_due grace and the clock.
import { describe, expect, it } from 'vitest';
import { findProduct, type Product } from '../../../catalog';
import { DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS, MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS } from '../../../contract/limits';
import { licenceKeyViews } from '../../../worker/delivery/licences';
import { pastDueGraceDays } from '../../../worker/delivery/settings';
import { followsSubscription, servedProducts, subscriptionAccess, UNREPORTED_SUBSCRIPTION_WINDOW_MS } from '../../../worker/delivery/subscription-access';
import type { Order } from '../../../worker/store/orders';
import type { SubscriptionState } from '../../../worker/store/subscriptions';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 15, 12);
const FULFILLED = NOW - 40 * DAY_MS;
const GRACE = 7;

const state = (status: string, periodStartDaysAgo = 3, deleted = false): SubscriptionState => ({
  status,
  deleted,
  currentPeriodStart: Math.floor((NOW - periodStartDaysAgo * DAY_MS) / 1000),
});

describe('subscriptionAccess', () => {
  it.each(['active', 'trialing'])('%s: served, with no grace end', (status) => {
    expect(subscriptionAccess(state(status), FULFILLED, GRACE, NOW)).toEqual({ allowed: true, status, graceEndsAt: null });
  });

  it('past_due 3 days into the unpaid period, grace 7: served until the period start + 7 days', () => {
    const subscription = state('past_due', 3);
    expect(subscriptionAccess(subscription, FULFILLED, GRACE, NOW)).toEqual({
      allowed: true,
      status: 'past_due',
      graceEndsAt: subscription.currentPeriodStart! * 1000 + 7 * DAY_MS,
    });
  });

  it('past_due: served up to the last millisecond of the grace, refused from its end on', () => {
    const subscription = state('past_due', 7);
    const end = subscription.currentPeriodStart! * 1000 + 7 * DAY_MS;
    expect(subscriptionAccess(subscription, FULFILLED, GRACE, end - 1).allowed).toBe(true);
    expect(subscriptionAccess(subscription, FULFILLED, GRACE, end)).toEqual({
      allowed: false,
      status: 'past_due',
      reason: "this subscription's payment is overdue: its downloads and licence keys work again once it is paid",
    });
  });

  it('past_due with a grace of 0 days: refused at once', () => {
    expect(subscriptionAccess(state('past_due', 0), FULFILLED, 0, NOW).allowed).toBe(false);
  });

  it('past_due whose period start Stripe did not say: refused (no grace can be counted)', () => {
    expect(subscriptionAccess({ status: 'past_due', deleted: false, currentPeriodStart: null }, FULFILLED, GRACE, NOW).allowed).toBe(false);
  });

  it.each([
    ['canceled', 'this subscription was canceled: its downloads and licence keys ended with it'],
    ['unpaid', 'this subscription is unpaid: its downloads and licence keys work again once the overdue payment is made'],
    ['incomplete_expired', "this subscription's first payment was never completed: it has no downloads or licence keys"],
    ['paused', 'this subscription is paused: its downloads and licence keys work again when it resumes'],
  ])('%s: refused, saying why', (status, reason) => {
    expect(subscriptionAccess(state(status), FULFILLED, GRACE, NOW)).toEqual({ allowed: false, status, reason });
  });

  it("incomplete (Checkout's first snapshot, older than the paid checkout that fulfilled the order): served for 3 days after fulfilment, refused after", () => {
    expect(subscriptionAccess(state('incomplete'), NOW - 1000, GRACE, NOW)).toEqual({ allowed: true, status: 'incomplete', graceEndsAt: null });
    expect(subscriptionAccess(state('incomplete'), NOW - UNREPORTED_SUBSCRIPTION_WINDOW_MS, GRACE, NOW)).toEqual({
      allowed: false,
      status: 'incomplete',
      reason: "this subscription's first payment is not complete: its downloads and licence keys wait for it",
    });
  });

  it('a status Stripe adds later is refused, naming it', () => {
    expect(subscriptionAccess(state('suspended_for_review'), FULFILLED, GRACE, NOW)).toEqual({
      allowed: false,
      status: 'suspended_for_review',
      reason: 'this subscription is suspended for review: its downloads and licence keys are not available',
    });
  });

  it('a deleted subscription is canceled, whatever status its last snapshot had, unless it ended never paid', () => {
    expect(subscriptionAccess(state('active', 3, true), FULFILLED, GRACE, NOW)).toMatchObject({ allowed: false, reason: expect.stringMatching(/was canceled/) });
    expect(subscriptionAccess(state('incomplete_expired', 3, true), FULFILLED, GRACE, NOW)).toMatchObject({ allowed: false, reason: expect.stringMatching(/never completed/) });
  });

  describe('a subscription Stripe has not reported yet (its events still on their way)', () => {
    it('is served for 3 days after the order was fulfilled: Stripe retries an undelivered event that long', () => {
      expect(UNREPORTED_SUBSCRIPTION_WINDOW_MS).toBe(3 * DAY_MS);
      expect(subscriptionAccess(null, NOW - 1000, GRACE, NOW)).toEqual({ allowed: true, status: null, graceEndsAt: null });
      expect(subscriptionAccess(null, NOW - UNREPORTED_SUBSCRIPTION_WINDOW_MS + 1, GRACE, NOW).allowed).toBe(true);
    });

    it('is refused from then on, saying the shop cannot confirm it', () => {
      expect(subscriptionAccess(null, NOW - UNREPORTED_SUBSCRIPTION_WINDOW_MS, GRACE, NOW)).toEqual({
        allowed: false,
        status: null,
        reason: 'the shop has not heard from Stripe about this subscription: its downloads and licence keys wait until it does (ask the shop)',
      });
    });
  });
});

const CLUB = findProduct('field-notes-club')!;
const FIELD_NOTES = findProduct('field-notes')!;
const TRAIL_MAP = findProduct('trail-map-print')!;
/** The sample catalog sells no licensed subscription; a seller's may. */
const LICENSED_CLUB: Product = { ...CLUB, id: 'licensed-club', licence: 'generated' };

const order = (subscription: string | null): Order => ({
  id: 'cs_test_a1order',
  status: 'fulfilled',
  clientReferenceId: null,
  paymentLink: null,
  productId: null,
  amountTotal: 500,
  amountDiscount: null,
  promotionCode: null,
  coupon: null,
  currency: 'usd',
  customerEmail: null,
  mode: subscription ? 'subscription' : 'payment',
  livemode: false,
  paymentIntent: null,
  subscription,
  deliveryToken: 'dl_test_token',
  fulfilledAt: FULFILLED,
  revokedAt: null,
    amountRefunded: 0,
    amountShipping: null,
    shippingCarrier: null,
    trackingNumber: null,
    shippedAt: null,
  createdAt: FULFILLED,
  updatedAt: FULFILLED,
});

describe('which products follow the subscription', () => {
  it('in an order with a subscription: the products sold by the interval, and products the catalog does not know', () => {
    expect(followsSubscription('sub_1', CLUB)).toBe(true);
    expect(followsSubscription('sub_1', undefined)).toBe(true);
    expect(followsSubscription('sub_1', TRAIL_MAP)).toBe(false);
    expect(followsSubscription(null, CLUB)).toBe(false);
  });

  it('refused: only the one-time products bought with it are served; allowed or no subscription: all', () => {
    const refused = subscriptionAccess(state('canceled'), FULFILLED, GRACE, NOW);
    const allowed = subscriptionAccess(state('active'), FULFILLED, GRACE, NOW);
    expect(servedProducts(order('sub_1'), [CLUB, TRAIL_MAP], refused)).toEqual([TRAIL_MAP]);
    expect(servedProducts(order('sub_1'), [CLUB, TRAIL_MAP], allowed)).toEqual([CLUB, TRAIL_MAP]);
    expect(servedProducts(order(null), [FIELD_NOTES, TRAIL_MAP], null)).toEqual([FIELD_NOTES, TRAIL_MAP]);
  });

  it("a licensed subscription's key is hidden once access ends; a one-time product's key bought with it stays", () => {
    const keys = new Map([
      ['licensed-club', new Map([[0, 'CLUB-KEY']])],
      ['trail-map-print', new Map([[0, 'MAP-KEY']])],
    ]);
    const units = new Map<string, number>();
    const refused = subscriptionAccess(state('canceled'), FULFILLED, GRACE, NOW);
    const allowed = subscriptionAccess(state('active'), FULFILLED, GRACE, NOW);
    expect(licenceKeyViews(order('sub_1'), servedProducts(order('sub_1'), [LICENSED_CLUB, TRAIL_MAP], allowed), units, keys).map((view) => view.key)).toEqual(['CLUB-KEY', 'MAP-KEY']);
    expect(licenceKeyViews(order('sub_1'), servedProducts(order('sub_1'), [LICENSED_CLUB, TRAIL_MAP], refused), units, keys)).toEqual([
      { product: { id: 'trail-map-print', name: TRAIL_MAP.name }, key: 'MAP-KEY' },
    ]);
  });
});

describe('pastDueGraceDays (SUBSCRIPTION_PAST_DUE_GRACE_DAYS)', () => {
  it(`unset or blank: the default, ${DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS} days, without a problem`, () => {
    expect(pastDueGraceDays(undefined)).toEqual({ days: DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS, problem: null });
    expect(pastDueGraceDays('  ')).toEqual({ days: DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS, problem: null });
  });

  it(`a whole number of days from 0 to ${MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS}`, () => {
    expect(pastDueGraceDays('0')).toEqual({ days: 0, problem: null });
    expect(pastDueGraceDays(' 14 ')).toEqual({ days: 14, problem: null });
    expect(pastDueGraceDays(String(MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS))).toEqual({ days: MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS, problem: null });
  });

  it.each(['-1', '1.5', '7d', 'a week', String(MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS + 1), '1e1'])('%j: the default, and a problem naming the variable and the value', (value) => {
    expect(pastDueGraceDays(value)).toEqual({
      days: DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS,
      problem: `SUBSCRIPTION_PAST_DUE_GRACE_DAYS is ${JSON.stringify(value)}, not a whole number of days from 0 to ${MAX_SUBSCRIPTION_PAST_DUE_GRACE_DAYS}: the default ${DEFAULT_SUBSCRIPTION_PAST_DUE_GRACE_DAYS} is used`,
    });
  });
});
