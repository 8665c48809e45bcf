// The security headers of the shop's pages, written once. The build writes them into
// dist/_headers for the static pages; the worker sends them with every page it builds itself
// (worker/routes/page-headers.ts), since _headers does not apply to a Worker's own responses.

/** A Content-Security-Policy: each directive (camelCase, as Hono's secureHeaders takes it) and its sources. */
export interface PagePolicy {
  defaultSrc: string[];
  scriptSrc: string[];
  styleSrc: string[];
  imgSrc: string[];
  connectSrc: string[];
  formAction: string[];
  frameAncestors: string[];
  baseUri: string[];
}

export type PolicySources = Partial<Record<keyof PagePolicy, string[]>>;

export const PAGE_POLICY: Readonly<PagePolicy> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  // Buy forms and links end at Stripe's hosted checkout (a form's redirect counts as its target).
  formAction: ["'self'", 'https://checkout.stripe.com'],
  // No other site may frame a page with its Buy button (clickjacking).
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
};

export const PAGE_REFERRER_POLICY = 'strict-origin-when-cross-origin';
export const PAGE_FRAME_OPTIONS = 'DENY';

/** `policy` with `extra` sources appended to their directives. */
export function widenPolicy(policy: Readonly<PagePolicy>, extra: PolicySources): PagePolicy {
  const wide = Object.fromEntries(Object.entries(policy).map(([name, sources]) => [name, [...sources]])) as unknown as PagePolicy;
  for (const [name, sources] of Object.entries(extra) as [keyof PagePolicy, string[]][]) wide[name].push(...sources);
  return wide;
}

/** The header's value, `default-src 'self'; script-src 'self'; …`, as Hono's secureHeaders writes it. */
export function policyText(policy: Readonly<PagePolicy>): string {
  return Object.entries(policy)
    .map(([name, sources]) => [name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`), ...sources].join(' '))
    .join('; ');
}

/** Every security header of a page, by name, as dist/_headers lists them. */
export function pageHeaders(policy: Readonly<PagePolicy> = PAGE_POLICY): Record<string, string> {
  return {
    'Content-Security-Policy': policyText(policy),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': PAGE_REFERRER_POLICY,
    'X-Frame-Options': PAGE_FRAME_OPTIONS,
  };
}
