/**
 * Event ids this isolate committed (or saw refused as duplicates): a redelivery that
 * reaches the same isolate is answered without running its handler (and its Stripe
 * calls). Only a shortcut — the batch's claim assertion is what keeps events once.
 */
export class RecentEvents {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 10_000) {}

  has(eventId: string): boolean {
    return this.ids.has(eventId);
  }

  add(eventId: string): void {
    if (this.ids.size >= this.capacity) this.ids.clear();
    this.ids.add(eventId);
  }
}
