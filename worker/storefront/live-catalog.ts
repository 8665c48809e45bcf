// The live catalog: what the seller currently sells in Stripe, from the D1
// mirror, cached in KV. KV is only a cache (eventually consistent, one write a
// second per key): a missing or failed snapshot is rebuilt from D1.
import type { Env } from '../platform/env';
import type { LiveProduct } from '../../contract/api';
import { activeProducts } from '../store/catalog';

const SNAPSHOT_KEY = 'catalog:v1';
/** Bounds staleness should a refresh write be lost (KV allows one write a second per key). */
const SNAPSHOT_TTL_SECONDS = 300;

export async function liveCatalog(env: Env): Promise<LiveProduct[]> {
  const cached = await env.CATALOG?.get<LiveProduct[]>(SNAPSHOT_KEY, 'json');
  return cached ?? refreshCatalog(env);
}

export async function refreshCatalog(env: Env): Promise<LiveProduct[]> {
  const products = await activeProducts(env.DB);
  try {
    await env.CATALOG?.put(SNAPSHOT_KEY, JSON.stringify(products), { expirationTtl: SNAPSHOT_TTL_SECONDS, metadata: { builtAt: Date.now() } });
  } catch (error) {
    console.warn(JSON.stringify({ msg: 'catalog snapshot not written', error: String(error) }));
  }
  return products;
}

/** When the cached snapshot was built (ms), for the health page; null when there is none. */
export async function catalogSnapshotBuiltAt(env: Env): Promise<number | null> {
  const cached = await env.CATALOG?.getWithMetadata<{ builtAt?: number }>(SNAPSHOT_KEY, 'stream');
  await cached?.value?.cancel();
  return cached?.value ? (cached.metadata?.builtAt ?? null) : null;
}
