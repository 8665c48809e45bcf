// @ts-check
// The worker npm start runs (`wrangler dev`, its own process group): is it up and is it ours,
// stopping the whole group, and the outbox sweep that the Cron Trigger does once deployed.

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `response` is this shop's catalog API answering, not any server on the port. @param {Response} response */
async function isShopCatalog(response) {
  if (response.status !== 200 || !/^application\/json\b/.test(response.headers.get('content-type') ?? '')) return false;
  const body = /** @type {{ checkout?: unknown, products?: unknown } | null} */ (await response.json().catch(() => null));
  return typeof body?.checkout === 'boolean' && Array.isArray(body.products);
}

/**
 * Resolves once `url` serves the shop's catalog API while wrangler dev still runs; rejects when
 * wrangler dev exits first (`exited()` says how) or after `timeoutMs`, saying what answered.
 * @param {{ url: string, exited: () => string | null, timeoutMs?: number, intervalMs?: number }} options
 */
export async function waitForShop({ url, exited, timeoutMs = 180_000, intervalMs = 500 }) {
  const deadline = Date.now() + timeoutMs;
  let lastAnswer = 'nothing answered';
  for (;;) {
    const exit = exited();
    if (exit !== null) throw new Error(`wrangler dev exited (${exit}) before the shop answered on ${url}`);
    try {
      const response = await fetch(`${url}/api/catalog`, { signal: AbortSignal.timeout(5000) });
      if ((await isShopCatalog(response)) && exited() === null) return;
      lastAnswer = `${url}/api/catalog answered ${response.status} ${response.headers.get('content-type') ?? 'without a content type'}, not this shop's catalog`;
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) throw new Error(`the shop did not start on ${url} within ${Math.round(timeoutMs / 1000)} s (${lastAnswer})`);
    await sleep(intervalMs);
  }
}

/** @param {number} pid @param {NodeJS.Signals | 0} signal */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

/** Stops a process group started detached (wrangler dev: node, esbuild, workerd ×2): TERM, then KILL what is left after `graceMs`. @param {number} pid */
export async function stopGroup(pid, graceMs = 5000) {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (signalGroup(pid, 0) && Date.now() < deadline) await sleep(100);
  signalGroup(pid, 'SIGKILL');
}

/** The same, synchronously: for process.on('exit'), where nothing can be awaited. @param {number} pid */
export function killGroupNow(pid) {
  signalGroup(pid, 'SIGKILL');
}

/**
 * Calls the worker's outbox sweep now and every `everyMs`: wrangler dev runs no Cron Trigger, and
 * a queue message dies with the runtime, so without it a side effect committed just before a
 * crash would stay pending. `report` gets a line when something was re-sent, or on the first
 * failure after a success (not every 30 s).
 * @param {{ url: string, token: string, everyMs?: number, report: (line: string) => void }} options
 */
export function sweepOutboxEvery({ url, token, everyMs = 30_000, report }) {
  let failing = false;
  let running = false;
  const sweep = async () => {
    if (running) return null;
    running = true;
    try {
      const response = await fetch(`${url}/api/admin/outbox/sweep`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(20_000),
      });
      if (!response.ok) throw new Error(`${response.status} ${(await response.text()).slice(0, 200)}`);
      const { swept } = /** @type {{ swept: number }} */ (await response.json());
      failing = false;
      if (swept > 0) report(`outbox: ${swept} side effect${swept === 1 ? '' : 's'} (deliveries, revocations, catalog rebuilds) left pending by an earlier run sent again`);
      return swept;
    } catch (error) {
      if (!failing) report(`outbox sweep failed (${error instanceof Error ? error.message : String(error)}); trying again every ${Math.round(everyMs / 1000)} s`);
      failing = true;
      return null;
    } finally {
      running = false;
    }
  };
  const first = sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  return { first, stop: () => clearInterval(timer) };
}

/**
 * Reconciles the worker's mirror and ledger with Stripe now and every `everyMs` (an hour), as
 * the Cron Trigger does once a day when deployed: each call is one bounded step of a run, so
 * an unfinished run is called on at once. `report` gets a line when drift was found, or on the
 * first failure after a success.
 * @param {{ url: string, token: string, everyMs?: number, report: (line: string) => void }} options
 */
export function reconcileEvery({ url, token, everyMs = 60 * 60_000, report }) {
  let failing = false;
  let running = false;
  const reconcile = async () => {
    if (running) return;
    running = true;
    try {
      for (let call = 0; call < 50; call++) {
        const response = await fetch(`${url}/api/admin/reconcile`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{}',
          signal: AbortSignal.timeout(60_000),
        });
        if (!response.ok) throw new Error(`${response.status} ${(await response.text()).slice(0, 200)}`);
        const body = /** @type {{ run: { finishedAt: string | null } | null, drift: { outcome: string }[] }} */ (await response.json());
        failing = false;
        if (!body.run || body.run.finishedAt) {
          const needsSeller = body.drift.filter((entry) => entry.outcome === 'needs_seller').length;
          if (body.drift.length > 0) report(`reconciliation: ${body.drift.length} difference${body.drift.length === 1 ? '' : 's'} with Stripe repaired or reported${needsSeller ? ` (${needsSeller} need you: see the back office's health page)` : ''}`);
          return;
        }
      }
    } catch (error) {
      if (!failing) report(`reconciliation failed (${error instanceof Error ? error.message : String(error)}); trying again in ${Math.round(everyMs / 60_000)} min`);
      failing = true;
    } finally {
      running = false;
    }
  };
  const first = reconcile();
  const timer = setInterval(() => void reconcile(), everyMs);
  return { first, stop: () => clearInterval(timer) };
}
