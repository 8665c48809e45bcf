// Embedded Checkout: Stripe.js mounts the worker's session on the cart page, so the buyer pays
// without leaving the shop and returns to /success (the session's return_url). Imported
// dynamically by the cart page, and only once the worker answered with an embedded session:
// no other page, and no other mode, ever fetches Stripe.js. The `pure` entry does not inject
// Stripe.js on import, only when loadStripe is called.
import { loadStripe } from '@stripe/stripe-js/pure';
import { LOCAL_STRIPE } from './config';

export interface EmbeddedSession {
  clientSecret: string;
  publishableKey: string;
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}

/** Loads Stripe.js and mounts the session in `container`; rejects with a message for the buyer. */
export async function mountEmbeddedCheckout(session: EmbeddedSession, container: HTMLElement): Promise<void> {
  let stripe;
  try {
    // Under npm start the local Stripe serves a stand-in; loadStripe takes the window.Stripe it defines.
    if (LOCAL_STRIPE) await loadScript(`${LOCAL_STRIPE}/v3`);
    stripe = await loadStripe(session.publishableKey);
  } catch {
    stripe = null;
  }
  if (!stripe) throw new Error('The secure checkout could not be loaded. Check your connection and try again.');
  const checkout = await stripe.createEmbeddedCheckoutPage({ fetchClientSecret: async () => session.clientSecret });
  checkout.mount(container);
}
