// Ids shaped like Stripe's (prefix, length, alphabet), and which kind of object an id names.
import { randomBytes } from 'node:crypto';

export const OBJECT_KINDS = [
  'product',
  'price',
  'customer',
  'subscription',
  'checkout.session',
  'payment_link',
  'payment_intent',
  'charge',
  'refund',
  'dispute',
  'invoice',
  'event',
  'coupon',
  'promotion_code',
  'webhook_endpoint',
  'shipping_rate',
] as const;

export type ObjectKind = (typeof OBJECT_KINDS)[number];

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: dropping the rest keeps every character equally likely
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

export const newId = {
  product: () => `prod_${randomAlnum(14)}`,
  price: () => `price_1${randomAlnum(23)}`,
  customer: () => `cus_${randomAlnum(14)}`,
  subscription: () => `sub_1${randomAlnum(23)}`,
  subscriptionItem: () => `si_${randomAlnum(14)}`,
  session: () => `cs_test_a1${randomAlnum(56)}`,
  paymentLink: () => `plink_1${randomAlnum(23)}`,
  paymentIntent: () => `pi_3${randomAlnum(23)}`,
  charge: () => `ch_3${randomAlnum(23)}`,
  refund: () => `re_3${randomAlnum(23)}`,
  dispute: () => `du_1${randomAlnum(23)}`,
  invoice: () => `in_1${randomAlnum(23)}`,
  invoicePayment: () => `inpay_1${randomAlnum(23)}`,
  invoiceLine: () => `il_1${randomAlnum(23)}`,
  paymentMethod: () => `pm_1${randomAlnum(23)}`,
  setupIntent: () => `seti_1${randomAlnum(23)}`,
  portalSession: () => `bps_1${randomAlnum(23)}`,
  event: () => `evt_1${randomAlnum(23)}`,
  coupon: () => randomAlnum(8),
  promotionCode: () => `promo_1${randomAlnum(23)}`,
  webhookEndpoint: () => `we_1${randomAlnum(23)}`,
  shippingRate: () => `shr_1${randomAlnum(23)}`,
  webhookSecret: () => `whsec_${randomAlnum(32)}`,
  lineItem: () => `li_1${randomAlnum(23)}`,
  request: () => `req_${randomAlnum(14)}`,
};

const ID_PREFIXES: [string, ObjectKind][] = [
  ['prod_', 'product'],
  ['price_', 'price'],
  ['cus_', 'customer'],
  ['sub_', 'subscription'],
  ['cs_', 'checkout.session'],
  ['plink_', 'payment_link'],
  ['pi_', 'payment_intent'],
  ['ch_', 'charge'],
  ['re_', 'refund'],
  ['du_', 'dispute'],
  ['in_', 'invoice'],
  ['evt_', 'event'],
  ['promo_', 'promotion_code'],
  ['we_', 'webhook_endpoint'],
  ['shr_', 'shipping_rate'],
];

export const kindOfId = (id: string): ObjectKind | undefined => ID_PREFIXES.find(([prefix]) => id.startsWith(prefix))?.[1];
