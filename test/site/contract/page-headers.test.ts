import { describe, expect, it } from 'vitest';
import { PAGE_POLICY, pageHeaders, policyText, widenPolicy } from '../../../contract/page-headers';

describe('the shop pages\' security headers', () => {
  it('forbid framing and sniffing, and send the origin alone to other sites', () => {
    expect(pageHeaders()).toMatchObject({ 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'strict-origin-when-cross-origin' });
    expect(pageHeaders()['Content-Security-Policy']).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
  });

  it('write each directive in kebab case, in order, sources after its name', () => {
    expect(policyText({ ...PAGE_POLICY, connectSrc: ["'self'", 'https://api.example'] })).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://api.example; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'; base-uri 'self'",
    );
  });

  it('widenPolicy appends sources and leaves the shared policy as it was', () => {
    const before = structuredClone(PAGE_POLICY);
    const wide = widenPolicy(PAGE_POLICY, { styleSrc: ["'sha256-abc'"], formAction: ['http://127.0.0.1:12111'] });
    expect(wide.styleSrc).toEqual(["'self'", "'sha256-abc'"]);
    expect(wide.formAction).toEqual(["'self'", 'https://checkout.stripe.com', 'http://127.0.0.1:12111']);
    expect(PAGE_POLICY).toEqual(before);
  });
});
