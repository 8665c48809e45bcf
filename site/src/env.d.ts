/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin (+ optional path) of the worker API when it is not on the site's origin. Default: same origin. */
  readonly VITE_API_BASE?: string;
  /** `'test'` (default) or `'live'`: which Payment Link of each product Buy uses. */
  readonly VITE_STRIPE_MODE?: string;
  /** `npm start`'s local Stripe (http://127.0.0.1:12111): embedded checkout loads its Stripe.js stand-in. Never set for a deploy. */
  readonly VITE_LOCAL_STRIPE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
