// Type-checked by `npm run typecheck`, never run: proof that the site's client knows the
// worker's API. Each `@ts-expect-error` is a mistake the compiler must catch; if one stops
// being an error (the client lost its types), tsc fails on the unused directive.
import { apiClient, type CatalogBody, type EntitlementsBody, type ProductBody } from '../../../site/src/api';

const client = apiClient('');

export async function readsOnlyWhatTheWorkerSends(): Promise<void> {
  const answer = await client.orders[':sessionId'].$get({ param: { sessionId: 'cs_test_1' } });
  if (answer.status === 404) {
    // The 404's body is typed too: whether asking again may find the order.
    (await answer.json()).awaitingWebhook satisfies boolean;
    return;
  }
  const order = await answer.json();
  order.deliveryToken satisfies string | null;
  order.lineItems[0]?.quantity satisfies number | undefined;
  // @ts-expect-error a renamed field: the worker sends `deliveryToken`
  void order.downloadToken;
  // @ts-expect-error the buyer-facing order has no email
  void order.email;

  const catalog: CatalogBody = { checkout: true, products: [] };
  // @ts-expect-error a renamed field: the worker sends `products`
  void catalog.items;

  const product: ProductBody = { checkout: false, speaksForSlugs: false, product: null };
  // @ts-expect-error `speaksForSlugs` is a boolean
  product.speaksForSlugs = 'yes';

  const held: EntitlementsBody = { clientReferenceId: 'b_x', products: [], subscriptions: [] };
  // @ts-expect-error a renamed field: the worker sends `subscriptions`
  void held.subscription;
}

export async function callsOnlyWhatTheWorkerServes(): Promise<void> {
  // @ts-expect-error no such route
  await client.order[':sessionId'].$get({ param: { sessionId: 'cs_test_1' } });
  // @ts-expect-error the path parameter is `sessionId`
  await client.orders[':sessionId'].$get({ param: { id: 'cs_test_1' } });
  // @ts-expect-error a checkout line names a `price`, not a `priceId`
  await client.checkout.$post({ json: { items: [{ priceId: 'price_1', quantity: 1 }], clientReferenceId: 'b_x' } });
}
