// The buyer's library (worker/library/): request counts for its rate limits, single-use sign-in
// links and signed-in browsers, each kept by hash; and the orders of one email address.
/**
 * A library request's writes, the same whoever asks: both counters move, and the link's email
 * row is queued only while both are within their limits. Returns the counts (the first two results).
 */
export function libraryRequestWrites(
  db: D1Database,
  request: { emailKey: string; clientKey: string; windowStart: number; subject: string; email: string; now: number; emailLimit: number; clientLimit: number },
): D1PreparedStatement[] {
  const count = (key: string) =>
    db
      .prepare(
        `INSERT INTO library_request_counts (key, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
      )
      .bind(key, request.windowStart);
  return [
    count(request.emailKey),
    count(request.clientKey),
    db
      .prepare(
        `INSERT INTO outbox (subject, kind, payload, created_at, next_attempt_at)
         SELECT ?1, 'email', ?2, ?3, ?3
         WHERE (SELECT count FROM library_request_counts WHERE key = ?4 AND window_start = ?6) <= ?7
           AND (SELECT count FROM library_request_counts WHERE key = ?5 AND window_start = ?6) <= ?8
         ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
      )
      .bind(request.subject, JSON.stringify({ template: 'library_link', to: request.email }), request.now, request.emailKey, request.clientKey, request.windowStart, request.emailLimit, request.clientLimit),
  ];
}

/** Whether an address has any order: read by the email step, never by the request. */
export async function hasOrders(db: D1Database, email: string): Promise<boolean> {
  return Boolean(await db.prepare('SELECT 1 AS found FROM orders WHERE lower(customer_email) = ?1 LIMIT 1').bind(email).first());
}

/** A sign-in link's hash, kept once (a retried send makes the same token). */
export function saveLibraryLink(db: D1Database, link: { tokenHash: string; email: string; now: number; expiresAt: number }): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO library_links (token_hash, email, created_at, expires_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (token_hash) DO NOTHING`)
    .bind(link.tokenHash, link.email, link.now, link.expiresAt);
}

/**
 * Uses a link: one statement marks it used if it is unused and unexpired and opens a session for
 * its email in the same batch. Returns the email, or null (unknown, used or expired).
 */
export async function useLibraryLink(db: D1Database, tokenHash: string, session: { idHash: string; now: number; expiresAt: number }): Promise<string | null> {
  const [used] = await db.batch([
    db.prepare(`UPDATE library_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 RETURNING email`).bind(tokenHash, session.now),
    db
      .prepare(
        `INSERT INTO library_sessions (id_hash, email, created_at, expires_at)
         SELECT ?1, email, ?2, ?3 FROM library_links WHERE token_hash = ?4 AND used_at = ?2`,
      )
      .bind(session.idHash, session.now, session.expiresAt, tokenHash),
  ]);
  return (used?.results[0] as { email: string } | undefined)?.email ?? null;
}

/** The email of a signed-in browser, while its session is unexpired and not revoked. */
export async function libraryEmailOf(db: D1Database, idHash: string, now: number): Promise<string | null> {
  const row = await db.prepare(`SELECT email FROM library_sessions WHERE id_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2`).bind(idHash, now).first<{ email: string }>();
  return row?.email ?? null;
}

export async function revokeLibrarySession(db: D1Database, idHash: string, now: number): Promise<void> {
  await db.prepare(`UPDATE library_sessions SET revoked_at = ?2 WHERE id_hash = ?1 AND revoked_at IS NULL`).bind(idHash, now).run();
}

/** The ids of an address's orders, newest first. */
export async function orderIdsOfEmail(db: D1Database, email: string, limit = 100): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT id FROM orders WHERE lower(customer_email) = ?1 ORDER BY created_at DESC LIMIT ?2`)
    .bind(email, limit)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

/** The Stripe customer of a subscription order, only when the order is one of this address's. */
export async function subscriptionCustomerOfEmailOrder(db: D1Database, email: string, orderId: string): Promise<string | null> {
  const row = await db
    .prepare(`SELECT s.customer FROM orders o JOIN stripe_subscriptions s ON s.id = o.subscription WHERE o.id = ?1 AND lower(o.customer_email) = ?2`)
    .bind(orderId, email)
    .first<{ customer: string }>();
  return row?.customer ?? null;
}
