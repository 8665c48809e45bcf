import { fileURLToPath } from 'node:url';

/** Debian's chromium; the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Signs the local Stripe's webhooks to the e2e workers; not a real secret. */
export const WEBHOOK_SECRET = 'whsec_e2e_local_only';

/** Signs download links in the e2e workers; not a real secret. */
export const DOWNLOAD_SECRET = 'download_links_e2e_local_only_0123456789abcdef';

/** The API key the live-shop worker and the seller's client use against the fake Stripe API (it accepts any sk_test_…). */
export const STRIPE_TEST_KEY = 'sk_test_e2e';

/** Screenshots and the worker log (git-ignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../artifacts', import.meta.url));
