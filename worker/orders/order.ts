import type Stripe from 'stripe';
import { findProduct, findProductByPaymentLink, type Product } from '../../catalog';
import { idOf } from '../stripe/expandable';
import type { OrderShipmentView, OrderStatus } from '../../contract/api';
import { trackingUrl } from '../../catalog/shipping';
import type { Order } from '../store/orders';

export function orderFromSession(session: Stripe.Checkout.Session, status: OrderStatus, now: number): Order {
  return {
    id: session.id,
    status,
    clientReferenceId: session.client_reference_id,
    paymentLink: idOf(session.payment_link),
    productId: productOf(session)?.id ?? null,
    amountTotal: session.amount_total,
    ...discountOf(session),
    currency: session.currency,
    customerEmail: session.customer_details?.email ?? session.customer_email ?? null,
    mode: session.mode,
    livemode: session.livemode,
    paymentIntent: idOf(session.payment_intent),
    subscription: idOf(session.subscription),
    deliveryToken: null,
    fulfilledAt: null,
    revokedAt: null,
    amountRefunded: 0,
    amountShipping: session.shipping_cost?.amount_total ?? null,
    shippingCarrier: null,
    trackingNumber: null,
    shippedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The discount of a promotion code or coupon, as Stripe applied it (Checkout takes at most one). */
export function discountOf(session: Stripe.Checkout.Session): Pick<Order, 'amountDiscount' | 'promotionCode' | 'coupon'> {
  const [discount] = session.discounts ?? [];
  return {
    amountDiscount: session.total_details?.amount_discount ?? null,
    promotionCode: idOf(discount?.promotion_code),
    coupon: idOf(discount?.coupon),
  };
}

/**
 * A Payment Link names its product through the catalog, or (one made by `npm run stripe:seed`,
 * whose metadata Stripe copies onto its sessions) by `metadata.catalog_id`; a session created
 * any other way (the worker, the local stand-in) carries `metadata.product_id`.
 */
export function productOf(session: Stripe.Checkout.Session): Product | undefined {
  const paymentLink = idOf(session.payment_link);
  const byLink = paymentLink ? findProductByPaymentLink(paymentLink) : undefined;
  const productId = session.metadata?.product_id ?? session.metadata?.catalog_id;
  return byLink ?? (productId ? findProduct(productId) : undefined);
}

/** What the buyer's success page may see: nothing beyond their own order, no email. */
export function orderView(order: Order) {
  const product = order.productId ? findProduct(order.productId) : undefined;
  return {
    id: order.id,
    status: order.status,
    clientReferenceId: order.clientReferenceId,
    amountTotal: order.amountTotal,
    amountDiscount: order.amountDiscount,
    currency: order.currency,
    product: product ? { id: product.id, name: product.name } : null,
    subscription: order.subscription !== null,
    fulfilledAt: order.fulfilledAt === null ? null : new Date(order.fulfilledAt).toISOString(),
    deliveryToken: order.deliveryToken,
    livemode: order.livemode,
    shipment: shipmentView(order),
    createdAt: new Date(order.createdAt).toISOString(),
    updatedAt: new Date(order.updatedAt).toISOString(),
  };
}

const SHIPPING_STATES: readonly OrderStatus[] = ['awaiting_shipment', 'shipped', 'delivered'];

/** Goods to ship (a shipping state, a shipping charge, or a shipment made): the cost and the tracking; else null. */
export function shipmentView(order: Order): OrderShipmentView | null {
  if (!SHIPPING_STATES.includes(order.status) && order.amountShipping === null && order.shippedAt === null) return null;
  return {
    amount: order.amountShipping,
    carrier: order.shippingCarrier,
    trackingNumber: order.trackingNumber,
    trackingUrl: trackingUrl(order.shippingCarrier, order.trackingNumber),
    shippedAt: order.shippedAt === null ? null : new Date(order.shippedAt).toISOString(),
  };
}

