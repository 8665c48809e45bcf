// Build-time settings. Nothing else is read from the environment, and nothing here is secret.
import { normalizeApiBase, parseStripeMode } from './checkout-link';

/** Which Payment Link each product's Buy uses: `VITE_STRIPE_MODE`, `'test'` unless `'live'`. */
export const STRIPE_MODE = parseStripeMode(import.meta.env.VITE_STRIPE_MODE);

/** Base URL of the worker API (`VITE_API_BASE`), `''` when it shares the site's origin. */
export const API_BASE = normalizeApiBase(import.meta.env.VITE_API_BASE);
