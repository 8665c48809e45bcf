// The worker's API as a typed client: paths, parameters and response bodies come from the
// worker's own routes (`Api`, worker/routes/api.ts), so the compiler checks every call the site makes.
import { hc, type InferResponseType } from 'hono/client';
import type { Api } from '../../worker/routes/api';

export type ApiClient = ReturnType<typeof hc<Api>>;

/** A client for the API under `apiBase` (normalized, `''` for same origin). */
export function apiClient(apiBase: string, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): ApiClient {
  // hc needs an absolute base to build URLs; the path it produces is what is fetched.
  return hc<Api>(`${apiBase}/api`, { fetch: fetchImpl });
}

export type OrderBody = InferResponseType<ApiClient['orders'][':sessionId']['$get'], 200>;
export type CatalogBody = InferResponseType<ApiClient['catalog']['$get'], 200>;
export type ProductBody = InferResponseType<ApiClient['catalog']['products'][':id']['$get'], 200>;
export type CheckoutBody = InferResponseType<ApiClient['checkout']['$post'], 200>;
export type EntitlementsBody = InferResponseType<ApiClient['entitlements'][':clientReferenceId']['$get'], 200>;
