// The customer portal: POST /v1/billing_portal/sessions (its page is pages/portal.ts).
import { noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { checkUrl, requiredStr, str } from '../core/params';
import { now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';

export function createPortalSession(store: Store, params: StripeObject, ctx: RequestContext): StripeObject {
  const customer = requiredStr(params, 'customer');
  if (store.deletedCustomers.has(customer)) throw noSuch('customer', customer, 'customer', 400);
  store.must('customer', customer, 'customer', 400);
  const id = newId.portalSession();
  const session: StripeObject = {
    ...store.fixture('billing_portal.session'),
    id,
    object: 'billing_portal.session',
    configuration: 'bpc_1FakeDefaultConfiguration',
    created: ctx.created ?? now(),
    customer,
    flow: null,
    livemode: false,
    locale: str(params, 'locale') ?? null,
    on_behalf_of: null,
    return_url: checkUrl(str(params, 'return_url'), 'return_url') ?? null,
    url: `${store.baseUrl}/portal/${id}`,
  };
  store.portalSessions.set(id, session);
  return session;
}
