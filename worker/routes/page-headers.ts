import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import { PAGE_FRAME_OPTIONS, PAGE_POLICY, PAGE_REFERRER_POLICY, widenPolicy, type PolicySources } from '../../contract/page-headers';
import type { AppEnv } from '../http/app-env';

/**
 * The static pages' security headers (contract/page-headers.ts) for every page the worker
 * builds: product pages, their 404s, the sitemap, the download refusal page, the dev checkout.
 * `extra` widens the policy for one kind of page (an inline style's hash). A header the
 * response already has is kept, so a page served as built keeps the static assets' own.
 */
export function pageSecurityHeaders(extra: PolicySources = {}) {
  const byStripeBase = new Map<string, ReturnType<typeof secureHeaders>>();
  return createMiddleware<AppEnv>(async (c, next) => {
    const stripeBase = c.env.STRIPE_API_BASE?.trim() ?? '';
    let apply = byStripeBase.get(stripeBase);
    if (!apply) {
      const formAction = localCheckoutOrigin(stripeBase);
      apply = secureHeaders({
        contentSecurityPolicy: widenPolicy(widenPolicy(PAGE_POLICY, extra), { formAction }),
        xFrameOptions: PAGE_FRAME_OPTIONS,
        referrerPolicy: PAGE_REFERRER_POLICY,
        crossOriginResourcePolicy: false,
        overwrite: false,
      });
      byStripeBase.set(stripeBase, apply);
    }
    return apply(c, next);
  });
}

/**
 * A Stripe stand-in's origin (STRIPE_API_BASE, as `npm start` and the tests set it): it serves
 * the hosted checkout a Buy form is redirected to, so form-action must allow it too.
 */
function localCheckoutOrigin(stripeBase: string): string[] {
  if (!stripeBase) return [];
  try {
    const { origin } = new URL(stripeBase);
    return origin === 'https://api.stripe.com' ? [] : [origin];
  } catch {
    return [];
  }
}
