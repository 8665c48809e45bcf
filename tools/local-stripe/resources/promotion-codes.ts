// Coupons and the promotion codes buyers type at checkout (API 2026-10-28: a promotion code
// names its coupon as `promotion: { type: 'coupon', coupon }`), and what a code does to an
// open Checkout Session.
import { invalid, missingParam } from '../core/errors';
import { newId } from '../core/ids';
import { applyMetadata, bool, int, obj, oneOf, requiredStr, str } from '../core/params';
import { now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';

export function createCoupon(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const percentOff = params.percent_off === undefined ? undefined : Number(params.percent_off);
  const amountOff = int(params, 'amount_off');
  if ((percentOff === undefined) === (amountOff === undefined)) throw invalid('You must pass exactly one of `percent_off` or `amount_off`.', 'percent_off');
  if (percentOff !== undefined && !(percentOff > 0 && percentOff <= 100)) throw invalid('Invalid decimal: percent_off must be greater than 0 and at most 100.', 'percent_off');
  if (amountOff !== undefined && amountOff < 1) throw invalid('amount_off must be a positive integer.', 'amount_off');
  const currency = str(params, 'currency')?.toLowerCase();
  if (amountOff !== undefined && !currency) throw missingParam('currency');
  const id = str(params, 'id') ?? newId.coupon();
  if (store.find('coupon', id)) throw invalid(`Coupon already exists.`, 'id', 'resource_already_exists');
  const coupon: StripeObject = {
    ...store.fixture('coupon'),
    id,
    object: 'coupon',
    amount_off: amountOff ?? null,
    created: ctx.created ?? now(),
    currency: amountOff !== undefined ? currency : null,
    duration: oneOf(str(params, 'duration'), ['once', 'repeating', 'forever'] as const, 'duration') ?? 'once',
    duration_in_months: int(params, 'duration_in_months') ?? null,
    livemode: false,
    max_redemptions: int(params, 'max_redemptions') ?? null,
    metadata: applyMetadata({}, params),
    name: str(params, 'name') ?? null,
    percent_off: percentOff ?? null,
    redeem_by: null,
    times_redeemed: 0,
    valid: true,
  };
  store.put('coupon', coupon);
  store.recordEvent('coupon.created', coupon, ctx);
  return coupon;
}

export function createPromotionCode(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const promotion = obj(params, 'promotion');
  if (!promotion) throw missingParam('promotion');
  oneOf(requiredStr(promotion, 'type', 'promotion[type]'), ['coupon'] as const, 'promotion[type]');
  const coupon = store.must('coupon', requiredStr(promotion, 'coupon', 'promotion[coupon]'), 'promotion[coupon]', 400);
  const code = str(params, 'code') ?? newId.coupon().toUpperCase();
  if (!/^[a-zA-Z0-9_-]{1,500}$/.test(code)) throw invalid('Promotion codes may only contain alphanumeric characters, dashes and underscores.', 'code');
  if (activePromotionCode(store, code)) throw invalid(`An active promotion code with \`code: ${code}\` already exists.`, 'code', 'resource_already_exists');
  const promotionCode: StripeObject = {
    ...store.fixture('promotion_code'),
    id: newId.promotionCode(),
    object: 'promotion_code',
    active: bool(params, 'active') ?? true,
    code,
    created: ctx.created ?? now(),
    customer: null,
    expires_at: null,
    livemode: false,
    max_redemptions: int(params, 'max_redemptions') ?? null,
    metadata: applyMetadata({}, params),
    promotion: { coupon: coupon.id, type: 'coupon' },
    times_redeemed: 0,
  };
  store.put('promotion_code', promotionCode);
  store.recordEvent('promotion_code.created', promotionCode, ctx);
  return promotionCode;
}

export function listPromotionCodes(store: Store, params: StripeObject) {
  const code = str(params, 'code');
  const active = bool(params, 'active');
  return store.list('promotion_code', params, (p) => (code === undefined || p.code.toLowerCase() === code.toLowerCase()) && (active === undefined || p.active === active));
}

/** Codes are matched without regard to case, as on Stripe's checkout page. */
function activePromotionCode(store: Store, code: string): StripeObject | undefined {
  return store.all('promotion_code').find((p) => p.active && p.code.toLowerCase() === code.toLowerCase());
}

/**
 * A buyer's code on an open session that allows promotion codes: the coupon's discount comes off
 * the subtotal as Stripe shows it (`discounts`, `total_details.amount_discount`, `amount_total`).
 * Throws a message for the checkout page when the code cannot apply.
 */
export function applyPromotionCode(store: Store, session: StripeObject, code: string): void {
  if (!session.allow_promotion_codes) throw invalid('This checkout does not accept promotion codes.', 'promotion_code');
  const promotionCode = activePromotionCode(store, code.trim());
  if (!promotionCode) throw invalid(`This code is invalid: ${code.trim()}`, 'promotion_code');
  const coupon = store.must('coupon', promotionCode.promotion.coupon);
  if (coupon.amount_off !== null && coupon.currency !== session.currency) throw invalid('This code does not apply to this currency.', 'promotion_code');
  const subtotal = session.amount_subtotal ?? 0;
  const discount = coupon.percent_off !== null ? Math.round((subtotal * coupon.percent_off) / 100) : Math.min(coupon.amount_off, subtotal);
  session.discounts = [{ coupon: coupon.id, promotion_code: promotionCode.id }];
  session.total_details = { ...session.total_details, amount_discount: discount };
  // Shipping is charged on top of the discounted goods.
  session.amount_total = subtotal - discount + (session.total_details?.amount_shipping ?? 0);
}

/** Stripe counts a redemption when the session completes. */
export function redeemDiscount(store: Store, session: StripeObject): void {
  const [discount] = session.discounts ?? [];
  if (!discount) return;
  const promotionCode = discount.promotion_code ? store.find('promotion_code', discount.promotion_code) : undefined;
  const coupon = store.find('coupon', discount.coupon);
  if (promotionCode) promotionCode.times_redeemed += 1;
  if (coupon) coupon.times_redeemed += 1;
}
