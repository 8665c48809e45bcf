// How this shop's worker-made Checkout Sessions look, read from wrangler.toml [vars] and
// checked once per request. The buyer's request never chooses any of it: a cart names
// prices and quantities, the seller's config names the rest.
import { PUBLISHABLE_KEY } from '../../contract/ids';
import { shopMode, type StripeMode } from '../platform/config';
import type { Env } from '../platform/env';

export const CHECKOUT_MODES = ['payment-link', 'hosted', 'embedded'] as const;
/**
 * `payment-link`: Buy goes to the product's Payment Link; a cart (with a Stripe key) redirects
 * to a worker-made session. `hosted`: the same redirect. `embedded`: the worker's session is
 * mounted on the shop's own page with Stripe.js (`ui_mode: 'embedded_page'`).
 */
export type CheckoutMode = (typeof CHECKOUT_MODES)[number];

export interface CheckoutSettings {
  mode: CheckoutMode;
  /** `allow_promotion_codes`: a promotion code field on the checkout. */
  promotionCodes: boolean;
  /** `automatic_tax.enabled` (needs Stripe Tax set up in the dashboard). */
  automaticTax: boolean;
  /** `phone_number_collection.enabled`. */
  phoneNumber: boolean;
  /** Stripe.js needs it to mount an embedded session; public, of the shop's own Stripe mode. */
  publishableKey: string | null;
}

/** The vars read: wrangler.toml's [vars] as a deployed worker gets them are enough. */
export type CheckoutVars = Pick<
  Env,
  | 'CHECKOUT_MODE'
  | 'CHECKOUT_PROMOTION_CODES'
  | 'CHECKOUT_AUTOMATIC_TAX'
  | 'CHECKOUT_PHONE_NUMBER'
  | 'STRIPE_PUBLISHABLE_KEY'
  | 'STRIPE_SECRET_KEY'
  | 'STRIPE_MODE'
>;

export type SettingsResult = { ok: true; settings: CheckoutSettings } | { ok: false; error: string };

function flag(name: string, value: string | undefined): boolean | string {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  return `${name} must be "true" or "false", got ${JSON.stringify(value)}`;
}

/** The settings, or the first mistake in them (named by its var) for a 503 the seller can fix. */
export function checkoutSettings(env: CheckoutVars): SettingsResult {
  const mode = (env.CHECKOUT_MODE?.trim() || 'payment-link') as CheckoutMode;
  if (!CHECKOUT_MODES.includes(mode)) return { ok: false, error: `CHECKOUT_MODE must be one of ${CHECKOUT_MODES.join(', ')}, got ${JSON.stringify(env.CHECKOUT_MODE)}` };
  const flags = {
    promotionCodes: flag('CHECKOUT_PROMOTION_CODES', env.CHECKOUT_PROMOTION_CODES),
    automaticTax: flag('CHECKOUT_AUTOMATIC_TAX', env.CHECKOUT_AUTOMATIC_TAX),
    phoneNumber: flag('CHECKOUT_PHONE_NUMBER', env.CHECKOUT_PHONE_NUMBER),
  };
  const wrong = Object.values(flags).find((value) => typeof value === 'string');
  if (typeof wrong === 'string') return { ok: false, error: wrong };

  const publishableKey = env.STRIPE_PUBLISHABLE_KEY?.trim() || null;
  if (publishableKey !== null) {
    const key = PUBLISHABLE_KEY.exec(publishableKey);
    if (!key) return { ok: false, error: 'STRIPE_PUBLISHABLE_KEY must be a publishable key (pk_test_… or pk_live_…)' };
    const serves: StripeMode = shopMode(env);
    // A test key in a live shop would mount a checkout that can never take money, and the reverse.
    if (key[1] !== serves) return { ok: false, error: `STRIPE_PUBLISHABLE_KEY is a ${key[1]} key but this shop serves ${serves} mode` };
  }
  if (mode === 'embedded' && publishableKey === null) return { ok: false, error: 'CHECKOUT_MODE=embedded needs STRIPE_PUBLISHABLE_KEY (pk_test_… or pk_live_…)' };

  return {
    ok: true,
    settings: {
      mode,
      promotionCodes: flags.promotionCodes === true,
      automaticTax: flags.automaticTax === true,
      phoneNumber: flags.phoneNumber === true,
      publishableKey,
    },
  };
}
