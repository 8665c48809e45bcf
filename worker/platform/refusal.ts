// A request the shop refuses, with the reason its caller reads. Domain code throws it;
// app.onError answers it, in one place, as HTTP (its status, `{ error: reason }`).

export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 500 | 502 | 503;

export class Refusal extends Error {
  constructor(
    readonly status: RefusalStatus,
    message: string,
    /** Headers the answer carries (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
