import { HTTPException } from 'hono/http-exception';

/** The back office refusing an action, with the reason the seller reads (unknown order, nothing to refund). */
export class AdminRefusal extends HTTPException {
  constructor(status: 400 | 404 | 409, message: string) {
    super(status, { message });
  }
}
