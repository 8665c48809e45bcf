// What each build says about itself, in dist/: a build made for this machine (npm start, the
// tests) is marked, and `wrangler deploy` (tools/wrangler-build.mjs) refuses to ship it.
// .assetsignore keeps the record out of the uploaded assets.
import type { StripeMode } from '../../catalog';

/** The record's file name in dist/ (tools/wrangler-build.mjs reads it by this name). */
export const BUILD_RECORD = '.storefront-build.json';

export interface BuildRecord {
  stripeMode: StripeMode;
  siteUrl: string;
  /** Why this build must not be deployed; empty for a build fit for production. */
  notForDeploy: string[];
}

/** An origin only this machine can reach: localhost, 127.0.0.0/8, [::1] or 0.0.0.0. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]' || host === '0.0.0.0';
}

export interface BuildFacts {
  stripeMode: StripeMode;
  siteUrl: string;
  /** `VITE_LOCAL_STRIPE` was set (npm start's local Stripe). */
  localStripe: boolean;
}

/** The build's record: each reason it is a local build, said so the seller knows what to set. */
export function buildRecord(facts: BuildFacts): BuildRecord {
  const reasons: string[] = [];
  if (isLoopback(facts.siteUrl)) {
    reasons.push(`SITE_URL is ${facts.siteUrl}, this machine: canonical URLs, the sitemap and link previews would point there. Set SITE_URL=https://<your shop>.`);
  }
  if (facts.localStripe) {
    reasons.push("VITE_LOCAL_STRIPE is set: /cart would load Stripe.js from npm start's local Stripe. Build without it.");
  }
  return { stripeMode: facts.stripeMode, siteUrl: facts.siteUrl, notForDeploy: reasons };
}
