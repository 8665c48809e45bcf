import { fileURLToPath } from 'node:url';

/** Debian's chromium; the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Signs the local checkout stand-in's events in the e2e worker; not a real secret. */
export const WEBHOOK_SECRET = 'whsec_e2e_local_only';

/** Screenshots and the worker log (git-ignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../artifacts', import.meta.url));
