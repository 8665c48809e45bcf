// Build-time settings. Nothing else is read from the environment, and nothing here is secret.
import { normalizeApiBase, parseStripeMode } from './checkout-link';

/** Which Payment Link each product's Buy uses: `VITE_STRIPE_MODE`, `'test'` unless `'live'`. */
export const STRIPE_MODE = parseStripeMode(import.meta.env.VITE_STRIPE_MODE);

/** The local Stripe's origin under `npm start` (its Stripe.js stand-in), else null: Stripe.js comes from js.stripe.com. */
export const LOCAL_STRIPE = import.meta.env.VITE_LOCAL_STRIPE?.trim() || null;

/** Base URL of the worker API (`VITE_API_BASE`), `''` when it shares the site's origin. */
export const API_BASE = normalizeApiBase(import.meta.env.VITE_API_BASE);
