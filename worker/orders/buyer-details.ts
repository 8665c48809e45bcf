// Where a physical order ships, and the buyer's phone: read from the signed session for the
// seller's back office, never for the buyer-facing API (worker/store/buyer-details.ts).
import type Stripe from 'stripe';
import type { BuyerDetails, ShippingAddress } from '../store/buyer-details';

type AddressFields = { name?: unknown; address?: unknown };

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function addressOf(details: AddressFields | null | undefined): ShippingAddress | null {
  if (!isObject(details)) return null;
  const address = isObject(details.address) ? details.address : {};
  const shipping: ShippingAddress = {
    name: text(details.name),
    line1: text(address.line1),
    line2: text(address.line2),
    city: text(address.city),
    state: text(address.state),
    postalCode: text(address.postal_code),
    country: typeof address.country === 'string' && /^[A-Z]{2}$/.test(address.country) ? address.country : null,
  };
  return Object.values(shipping).some((value) => value !== null) ? shipping : null;
}

/**
 * The session's shipping address and phone, or null when it carries neither. Since API
 * version 2025-03-31 the address is `collected_information.shipping_details`; a webhook
 * endpoint pinned to an older version still sends it as `shipping_details`.
 */
export function buyerDetailsOf(session: Stripe.Checkout.Session): BuyerDetails | null {
  const legacy = 'shipping_details' in session && isObject(session.shipping_details) ? session.shipping_details : null;
  const shipping = addressOf(session.collected_information?.shipping_details) ?? addressOf(legacy);
  const phone = text(session.customer_details?.phone);
  return shipping || phone ? { shipping, phone } : null;
}
