// A stand-in for Stripe.js, enough for Embedded Checkout.

/** Where @stripe/stripe-js loads Stripe.js from (`https://js.stripe.com/<release>/stripe.js`, or `/v3`). */
export const STRIPE_JS_PATH = /^\/(?:v3\/?|[a-z]+\/stripe\.js)$/;

/**
 * A stand-in for Stripe.js, enough for Embedded Checkout: `Stripe(pk_test_…)` and
 * `createEmbeddedCheckoutPage({ fetchClientSecret })`, whose `mount` puts this server's checkout
 * page for the session in an iframe. Its origin is the script's own (tests route
 * https://js.stripe.com/** here, so the frame is on js.stripe.com, which the shop's CSP allows).
 */
export function stripeJsStandIn(): string {
  return `(() => {
  const origin = new URL(document.currentScript.src).origin;
  function Stripe(key) {
    if (!/^pk_test_/.test(String(key))) throw new Error('the local Stripe.js stand-in takes test publishable keys (pk_test_…) only');
    return {
      async createEmbeddedCheckoutPage(options) {
        const secret = options.clientSecret || (await options.fetchClientSecret());
        const id = String(secret).split('_secret_')[0];
        let frame = null;
        return {
          mount(target) {
            const parent = typeof target === 'string' ? document.querySelector(target) : target;
            frame = document.createElement('iframe');
            frame.title = 'Checkout (local stand-in)';
            frame.src = origin + '/pay/' + encodeURIComponent(id);
            frame.style.cssText = 'width:100%;min-height:32rem;border:0';
            parent.append(frame);
          },
          unmount() { frame && frame.remove(); },
          destroy() { frame && frame.remove(); frame = null; },
        };
      },
    };
  }
  Stripe.version = 'endive';
  window.Stripe = Stripe;
})();
`;
}
