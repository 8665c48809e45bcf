import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalog, type Product } from '../../catalog';
import { mergeLiveCatalog, type LiveCatalog, type LivePrice, type LiveProduct } from '../../catalog/live';
import { fetchLiveCatalog, fetchLiveProduct } from '../../site/src/live-catalog';

function product(id: string, overrides: Partial<Product> = {}): Product {
  return {
    id,
    name: `Build-time ${id}`,
    description: `About ${id}.`,
    image: `/images/${id}.svg`,
    imageAlt: id,
    price: { amount: 1000, currency: 'usd' },
    digital: true,
    paymentLinks: { test: { id: null, url: null }, live: { id: null, url: null } },
    ...overrides,
  };
}

function price(id: string, overrides: Partial<LivePrice> = {}): LivePrice {
  return { id, currency: 'usd', unitAmount: 1500, type: 'one_time', interval: null, ...overrides };
}

function liveProduct(id: string, overrides: Partial<LiveProduct> = {}): LiveProduct {
  return {
    id,
    name: `Live ${id}`,
    description: `Live description of ${id}.`,
    catalogId: null,
    prices: [price(`price_${id}`)],
    ...overrides,
  };
}

const live = (...products: LiveProduct[]): LiveCatalog => ({ checkout: true, products });

const notes = product('field-notes');
const map = product('trail-map-print');
const mug = product('enamel-mug');
const seededMug = product('enamel-mug', { stripe: { productId: 'prod_mug', priceId: 'price_mug_seed' } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fetchLiveCatalog', () => {
  const ok = { checkout: true, products: [liveProduct('prod_1', { catalogId: 'field-notes' })] };
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('GETs /api/catalog under the API base, revalidating with the ETag every time', async () => {
    const fetchFake = vi.fn<typeof fetch>(async () => json(ok));
    await expect(fetchLiveCatalog({ apiBase: 'https://api.example.com', fetch: fetchFake })).resolves.toEqual(ok);
    const [input, init] = fetchFake.mock.calls[0]!;
    expect(input).toBe('https://api.example.com/api/catalog');
    expect(init?.cache).toBe('no-cache');
    expect(init?.method ?? 'GET').toBe('GET');
  });

  it.each([
    ['a network error', async () => Promise.reject(new TypeError('fetch failed'))],
    ['a 404 (no such route, e.g. vite preview)', async () => new Response('<html></html>', { status: 404 })],
    ['a 500', async () => json({ error: 'internal' }, 500)],
    ['a non-JSON 200', async () => new Response('<html>index</html>', { status: 200 })],
    ['a malformed body', async () => json({ items: [] })],
  ])('gives null with a console.warn on %s', async (_label, impl) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(fetchLiveCatalog({ apiBase: '', fetch: vi.fn<typeof fetch>(impl) })).resolves.toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('/api/catalog');
  });

  it('gives up on a request that hangs', async () => {
    vi.useFakeTimers();
    try {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const hanging = vi.fn<typeof fetch>(
        (_input, init) =>
          new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          }),
      );
      const result = fetchLiveCatalog({ apiBase: '', fetch: hanging, timeoutMs: 5_000 });
      await vi.advanceTimersByTimeAsync(5_000);
      await expect(result).resolves.toBeNull();
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('fetchLiveProduct', () => {
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('GETs only its own product, and answers it as a one-product catalog', async () => {
    const product = liveProduct('prod_1', { catalogId: 'field-notes' });
    const fetchFake = vi.fn<typeof fetch>(async () => json({ checkout: true, speaksForSlugs: true, product }));
    await expect(fetchLiveProduct({ apiBase: '', id: 'field-notes', fetch: fetchFake })).resolves.toEqual({ checkout: true, products: [product], speaksForSlugs: true });
    expect(fetchFake.mock.calls[0]![0]).toBe('/api/catalog/products/field-notes');
  });

  it('a product not on sale is a catalog without it, which archives it only when the live catalog speaks for slugs', async () => {
    const notOnSale = (speaksForSlugs: boolean) => vi.fn<typeof fetch>(async () => json({ checkout: true, speaksForSlugs, product: null }));
    const archived = await fetchLiveProduct({ apiBase: '', id: 'field-notes', fetch: notOnSale(true) });
    expect(archived).toEqual({ checkout: true, products: [], speaksForSlugs: true });
    const [notes] = catalog.products;
    expect(mergeLiveCatalog([notes!], archived!)).toEqual([]);
    const unsynced = await fetchLiveProduct({ apiBase: '', id: 'field-notes', fetch: notOnSale(false) });
    expect(mergeLiveCatalog([notes!], unsynced!).map((p) => p.id)).toEqual([notes!.id]);
  });

  it('null on a server error or a malformed body', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(fetchLiveProduct({ apiBase: '', id: 'x', fetch: vi.fn<typeof fetch>(async () => json({ error: 'boom' }, 500)) })).resolves.toBeNull();
    await expect(fetchLiveProduct({ apiBase: '', id: 'x', fetch: vi.fn<typeof fetch>(async () => json({ product: { id: 1 } })) })).resolves.toBeNull();
  });
});
