// Events: GET /v1/events (by `type`, which may end in `*`, or `types[]`) and /v1/events/:id.
import { invalid } from '../core/errors';
import { array, str } from '../core/params';
import type { Store } from '../core/store';
import type { StripeObject } from '../core/types';

export function listEvents(store: Store, params: StripeObject) {
  const type = str(params, 'type');
  const types = array(params, 'types')?.map(String);
  if (type && types) throw invalid('You may only specify one of these parameters: type, types.', 'types');
  const matches = (pattern: string, value: string) => (pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value);
  return store.list('event', params, (e) => (!type || matches(type, e.type)) && (!types || types.some((t) => matches(t, e.type))));
}
