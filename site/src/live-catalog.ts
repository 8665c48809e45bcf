// Fetching the live catalog from the worker through the typed client; what it means for the
// shop (merging, validation) is catalog/live.ts, shared with the worker's product pages.
import { isObject, parseLiveCatalog, parseProduct, type LiveCatalog } from '../../catalog/live';
import { apiClient, type CatalogBody, type ProductBody } from './api';

export interface FetchLiveCatalogOptions {
  /** Normalized API base, `''` for same origin. */
  apiBase: string;
  fetch?: typeof fetch;
  /** Abort a request that hangs this long. Default 10 s. */
  timeoutMs?: number;
}

/**
 * `GET ${apiBase}/api/catalog`, revalidated with its ETag (a 304 when nothing changed). `null`
 * (after a `console.warn`) on any failure: network error, timeout, non-200 status, non-JSON
 * or malformed body.
 */
export async function fetchLiveCatalog(options: FetchLiveCatalogOptions): Promise<LiveCatalog | null> {
  const client = apiClient(options.apiBase, options.fetch);
  return fetchCatalogJson(options, '/api/catalog', (init) => client.catalog.$get(undefined, { init }), (body: CatalogBody) =>
    parseLiveCatalog(body),
  );
}

/**
 * `GET ${apiBase}/api/catalog/products/<id>`: one product's live data, for its page — a read
 * whose cost does not grow with the catalog — as a catalog holding it (or not, when it is not
 * on sale); `null` on any failure, as for the whole catalog.
 */
export async function fetchLiveProduct(options: FetchLiveCatalogOptions & { id: string }): Promise<LiveCatalog | null> {
  const client = apiClient(options.apiBase, options.fetch);
  // hc puts parameters into the path as they are: encoding keeps an odd id one segment.
  const param = { id: encodeURIComponent(options.id) };
  const endpoint = client.catalog.products[':id'];
  return fetchCatalogJson(options, `/api/catalog/products/${param.id}`, (init) => endpoint.$get({ param }, { init }), (body: ProductBody) => {
    if (!isObject(body)) return null;
    const speaksForSlugs = body.speaksForSlugs === true;
    const checkout = body.checkout === true;
    if (body.product === null) return { checkout, products: [], speaksForSlugs };
    const product = parseProduct(body.product);
    return product ? { checkout, products: [product], speaksForSlugs } : null;
  });
}

async function fetchCatalogJson<Body>(
  options: FetchLiveCatalogOptions,
  path: string,
  request: (init: RequestInit) => Promise<{ status: number; json(): Promise<Body> }>,
  parse: (body: Body) => LiveCatalog | null,
): Promise<LiveCatalog | null> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  try {
    const response = await request({ cache: 'no-cache', headers: { accept: 'application/json' }, signal: controller.signal });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    const parsed = parse(await response.json());
    if (!parsed) throw new Error('unexpected response body');
    return parsed;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`storefront: live catalog unavailable (${options.apiBase}${path}: ${reason}); showing the built-in catalog.`);
    return null;
  } finally {
    clearTimeout(timer);
  }
}
