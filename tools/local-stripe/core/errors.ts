// Stripe's error shape and statuses: `{ error: { type, code?, message, param? } }`.
import type { ObjectKind } from './ids';
import type { StripeObject } from './types';

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  body() {
    const error: StripeObject = { type: this.type };
    if (this.code) error.code = this.code;
    error.message = this.message;
    if (this.param) error.param = this.param;
    return { error };
  }
}

export const invalid = (message: string, param?: string, code?: string) => new StripeApiError(400, 'invalid_request_error', message, code, param);

export const missingParam = (param: string) => invalid(`Missing required param: ${param}.`, param, 'parameter_missing');

/** "No such product: 'prod_x'" (Stripe names the kind as its object type). */
export const noSuch = (kind: ObjectKind, id: string, param = 'id', status = 404) =>
  new StripeApiError(status, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param);

export const unrecognizedUrl = (method: string, path: string) =>
  new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
