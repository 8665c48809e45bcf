import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type Stripe from 'stripe';
import type { AppEnv } from '../http/app-env';
import { adminAccess, sameOriginOnly, type AdminEnv } from '../http/admin-access';
import { isStripeError, stripeClient, stripeErrorMessage } from '../stripe/client';
import * as v from 'valibot';
import {
  AdminAccessRequest,
  AdminCustomerQuery,
  AdminDownloadsResetRequest,
  AdminDeliverRequest,
  AdminEventParam,
  AdminEventsQuery,
  AdminFileNotifyRequest,
  AdminOrderParam,
  AdminOrdersExportQuery,
  AdminOrdersQuery,
  AdminRefundRequest,
  AdminShipRequest,
  AdminSubscriptionsQuery,
  LicenceKeysRequest,
  ReplayRequest,
  ResyncRequest,
  SyncRequest,
  type AdminEventsResponse,
  type LicenceKeysResponse,
  type OutboxSweepResponse,
  type ReplayResponse,
  type SyncResponse,
} from '../../contract/api';
import { ADMIN_PAGE_SIZE } from '../../contract/limits';
import { rerunFulfilment } from '../admin/rerun';
import { resync } from '../admin/resync';
import { latestReport, reconcile } from '../admin/reconcile';
import { watchAlerts } from '../admin/alerts';
import { resendReceipt } from '../admin/resend-receipt';
import { filesOverview, notifyPastBuyers } from '../admin/file-versions';
import { health } from '../admin/health';
import { retryEvent, retryFailed } from '../admin/ledger';
import { customerPage, orderDetail, ordersPage, salesTotals } from '../admin/orders';
import { resetDownloads } from '../admin/downloads';
import { requestRefund } from '../admin/refund';
import { moveOrder } from '../admin/seller-moves';
import { exportOrders } from '../admin/export';
import { subscriptionsPage } from '../admin/subscriptions';
import { decodeCursor, isoOrNull, ledgerEventView, nextCursor } from '../admin/views';
import { logAction } from '../store/admin-actions';
import { deadLetteredCount, failedCount, ignoredByType, ledgerCounts, listEvents } from '../store/ledger';
import { webhookProcessing } from '../platform/config';
import { findProduct } from '../../catalog';
import { addPoolKeys } from '../store/licences';
import { sweepOutbox } from '../outbox/consumer';
import { eventsBacklog } from '../events/backlog';
import { replayPage } from '../events/replay';
import { syncPage } from '../mirror/sync';
import { handlerContext } from '../http/context';
import { requireJson } from '../http/require-json';
import { validate } from '../http/validate';

const admin = new Hono<AdminEnv>();

// Who may enter first (a stranger learns nothing, not even what a body should be), then
// where a state-changing call comes from, then its body.
admin.use('*', adminAccess());
admin.use('*', sameOriginOnly());
admin.use('*', requireJson());

/** An empty JSON object: the body of actions that take no arguments. */
const NoArguments = v.object({}, 'body must be a JSON object');

/** The back office's routes, chained so that their type (`AdminRoutes`) carries every path and body. */
export const adminRoutes = admin
  .post('/sync', validate('json', SyncRequest), async (c) => {
    const { resource, startingAfter } = c.req.valid('json');
    const context = handlerContext(c);
    const page = await withStripe(c.env, (stripe) => syncPage(stripe, resource, startingAfter ?? undefined, context));
    await logAction(c.env.DB, { at: context.now(), actor: c.var.actor, action: 'mirror_synced', subject: resource, detail: JSON.stringify({ count: page.count, startingAfter: startingAfter ?? null }) }).run();
    return c.json({ synced: page.count, hasMore: page.hasMore, next: page.next } satisfies SyncResponse);
  })
  // "Resync from Stripe": one object, or an order and what it hangs on, refetched and applied as a webhook would.
  .post('/resync', validate('json', ResyncRequest), async (c) => {
    const context = handlerContext(c);
    return c.json(await withStripe(c.env, (stripe) => resync(stripe, c.req.valid('json'), c.var.actor, context)));
  })
  // One bounded step of the reconciliation with Stripe (the Cron Trigger's job, on demand); the latest run's drift report.
  .post('/reconcile', validate('json', v.strictObject({}, 'takes no arguments: send {}')), async (c) => {
    const context = handlerContext(c);
    return c.json(
      await withStripe(c.env, async (stripe) => {
        const report = await reconcile(stripe, 'admin', c.var.actor, context);
        if (report.run?.finishedAt) await watchAlerts(context, stripe, report);
        return report;
      }),
    );
  })
  .get('/reconcile', async (c) => c.json(await latestReport(handlerContext(c))))
  .post('/replay', validate('json', ReplayRequest), async (c) => {
    const { startingAfter } = c.req.valid('json');
    const page = await withStripe(c.env, (stripe) => replayPage(stripe, startingAfter ?? undefined, handlerContext(c)));
    return c.json({ replayed: page.replayed, skipped: page.skipped, hasMore: page.hasMore, next: page.next } satisfies ReplayResponse);
  })
  .get('/orders.csv', validate('query', AdminOrdersExportQuery), async (c) => {
    const { csv, next } = await exportOrders(c.env.DB, c.req.valid('query'));
    const query = c.req.valid('query');
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="orders-${query.from}-to-${query.to}${query.cursor ? `-from-${query.cursor.split('~')[0]}` : ''}.csv"`,
      ...(next ? { 'x-next-cursor': next } : {}),
    });
  })
  .get('/orders', validate('query', AdminOrdersQuery), async (c) => c.json(await ordersPage(c.env.DB, c.req.valid('query'))))
  .get('/customers', validate('query', AdminCustomerQuery), async (c) => c.json(await customerPage(c.env.DB, c.req.valid('query'))))
  .get('/subscriptions', validate('query', AdminSubscriptionsQuery), async (c) => c.json(await subscriptionsPage(c.env.DB, c.req.valid('query'))))
  .get('/totals', async (c) => c.json(await salesTotals(c.env.DB, c.var.deps.now())))
  .get('/orders/:id', validate('param', AdminOrderParam), async (c) => c.json(await orderDetail(c.env.DB, c.req.valid('param').id)))
  .post('/orders/:id/refund', validate('param', AdminOrderParam), validate('json', AdminRefundRequest), async (c) => {
    const context = handlerContext(c);
    const body = c.req.valid('json');
    const result = await withStripe(c.env, (stripe) => requestRefund(stripe, c.req.valid('param').id, body, c.var.actor, context));
    return c.json(result, 202);
  })
  // The seller's hand on access and shipping: no money moves; each is logged with who and why.
  .post('/orders/:id/revoke-access', validate('param', AdminOrderParam), validate('json', AdminAccessRequest), async (c) =>
    c.json(await moveOrder(c.req.valid('param').id, { to: 'revoked', reason: c.req.valid('json').reason }, c.var.actor, handlerContext(c))),
  )
  .post('/orders/:id/restore-access', validate('param', AdminOrderParam), validate('json', AdminAccessRequest), async (c) =>
    c.json(await moveOrder(c.req.valid('param').id, { to: 'restored', reason: c.req.valid('json').reason }, c.var.actor, handlerContext(c))),
  )
  .post('/orders/:id/mark-shipped', validate('param', AdminOrderParam), validate('json', AdminShipRequest), async (c) =>
    c.json(await moveOrder(c.req.valid('param').id, { to: 'shipped', ...c.req.valid('json') }, c.var.actor, handlerContext(c))),
  )
  .post('/orders/:id/downloads-reset', validate('param', AdminOrderParam), validate('json', AdminDownloadsResetRequest), async (c) =>
    c.json(await resetDownloads(c.req.valid('param').id, c.req.valid('json'), c.var.actor, handlerContext(c))),
  )
  .post('/orders/:id/mark-delivered', validate('param', AdminOrderParam), validate('json', AdminDeliverRequest), async (c) =>
    c.json(await moveOrder(c.req.valid('param').id, { to: 'delivered', ...c.req.valid('json') }, c.var.actor, handlerContext(c))),
  )
  .post('/orders/:id/resend-receipt', validate('param', AdminOrderParam), validate('json', NoArguments), async (c) =>
    c.json(await resendReceipt(c.req.valid('param').id, c.var.actor, handlerContext(c)), 202),
  )
  .post('/orders/:id/rerun-fulfilment', validate('param', AdminOrderParam), validate('json', NoArguments), async (c) =>
    c.json(await rerunFulfilment(c.req.valid('param').id, c.var.actor, handlerContext(c))),
  )
  .get('/events', validate('query', AdminEventsQuery), async (c) => {
    const query = c.req.valid('query');
    const limit = query.limit ?? ADMIN_PAGE_SIZE;
    const db = c.env.DB;
    const filter = query.deadLettered ? { deadLettered: true } : query.status ? { status: query.status } : query.type ? { type: query.type } : {};
    const [rows, counts, deadLettered, ignored, backlog] = await Promise.all([
      listEvents(db, { ...filter, after: decodeCursor(query.cursor), limit }),
      ledgerCounts(db),
      deadLetteredCount(db),
      ignoredByType(db),
      eventsBacklog(c.env),
    ]);
    return c.json({
      events: rows.map(ledgerEventView),
      next: nextCursor(rows, limit, (row) => ({ at: row.receivedAt, id: row.id })),
      counts,
      deadLettered,
      processing: webhookProcessing(c.env),
      queued: backlog && { count: backlog.count, oldestAt: isoOrNull(backlog.oldestAt) },
      ignoredByType: ignored,
    } satisfies AdminEventsResponse);
  })
  .post('/events/retry-failed', validate('json', NoArguments), async (c) => c.json(await retryFailed(c.var.actor, handlerContext(c))))
  .post('/events/:id/retry', validate('param', AdminEventParam), validate('json', NoArguments), async (c) => {
    const context = handlerContext(c);
    const result = await retryEvent(c.req.valid('param').id, c.var.actor, context);
    if (result.outcome === 'not_failed') throw new HTTPException(409, { message: 'only a failed event can be retried' });
    return c.json({ results: [result], remainingFailed: await failedCount(c.env.DB) });
  })
  // The webhook URL as this request reached the shop: the endpoint the doctor and this page look for.
  .get('/files', async (c) => c.json(await filesOverview(handlerContext(c))))
  .post('/files/notify', validate('json', AdminFileNotifyRequest), async (c) => c.json(await notifyPastBuyers(c.req.valid('json').key, c.var.actor, handlerContext(c)), 202))
  .get('/health', async (c) => c.json(await health(handlerContext(c), new URL('/webhooks/stripe', c.req.url).href)))
  // The Cron Trigger's sweep on demand: `npm start` calls it, as wrangler dev runs no Cron Trigger.
  .post('/outbox/sweep', validate('json', NoArguments), async (c) => {
    const swept = await sweepOutbox(c.env, c.var.deps, (promise) => c.executionCtx.waitUntil(promise));
    return c.json({ swept } satisfies OutboxSweepResponse);
  })
  // The seller's licence keys for a pool product; each is given to one order, once.
  .post('/licence-keys', validate('json', LicenceKeysRequest), async (c) => {
    const { product: productId, keys } = c.req.valid('json');
    const product = findProduct(productId);
    if (!product) throw new HTTPException(400, { message: `product ${productId} is not in the catalog` });
    if (product.licence !== 'pool') throw new HTTPException(400, { message: `product ${productId} does not take licence keys from a pool (catalog.json "licence": "pool")` });
    const result = await addPoolKeys(c.env.DB, product.id, [...new Set(keys)], c.var.deps.now());
    return c.json(result satisfies LicenceKeysResponse);
  });
export type AdminRoutes = typeof adminRoutes;

/** Stripe's rate limit becomes a 429 with Retry-After, which the CLI backs off on; other Stripe errors a 502. */
async function withStripe<T>(env: AppEnv['Bindings'], work: (stripe: Stripe) => Promise<T>): Promise<T> {
  const stripe = await stripeClient(env);
  if (!stripe) throw new HTTPException(503, { message: 'STRIPE_SECRET_KEY is not configured' });
  try {
    return await work(stripe);
  } catch (error) {
    if (isStripeError(error) && error.statusCode === 429) {
      throw new HTTPException(429, { message: 'Stripe rate limit; retry later', res: new Response(null, { headers: { 'Retry-After': '1' } }) });
    }
    if (isStripeError(error)) throw new HTTPException(502, { message: `Stripe: ${stripeErrorMessage(error)}` });
    throw error;
  }
}
