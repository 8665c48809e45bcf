// @ts-check
// The TypeScript the tools share with the worker (the handled event types, the pinned API
// version, the health checks), loaded through Vite's module runner: Node 20 runs no TypeScript.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @type {Map<string, Promise<any>>} */
const loaded = new Map();

/** @param {string} file relative to the repository root */
async function load(file) {
  let module = loaded.get(file);
  if (!module) {
    module = import('vite').then(({ runnerImport }) => runnerImport(path.join(ROOT, file), { configFile: false, logLevel: 'error', root: ROOT })).then((result) => result.module);
    loaded.set(file, module);
  }
  return module;
}

/** @returns {Promise<{ HANDLED_EVENT_TYPES: readonly string[], STRIPE_API_VERSION: string }>} */
export const stripeEvents = () => load('contract/stripe-events.ts');

/**
 * The Health page's checks (worker/admin/health-checks.ts), for the doctor's own Stripe checks.
 * @returns {Promise<{ webhookEndpointChecks: (endpoints: any[], url: string) => HealthCheck[], catalogChecks: (catalog: any[], mode: 'test' | 'live', stripe: { products: any[], links: any[] }) => HealthCheck[] }>}
 */
export const healthChecks = () => load('worker/admin/health-checks.ts');

/**
 * The catalog's shipping (catalog/shipping.ts): a rate's key and its Stripe parameters, for the Payment Links' Shipping Rates.
 * @returns {Promise<{ shippingRateKey: (rate: any) => string, shippingRateData: (rate: any) => any, shippingProblems: (catalog: any) => string[] }>}
 */
export const catalogShipping = () => load('catalog/shipping.ts');

/** @typedef {{ id: string, ok: boolean, title: string, detail: string, fix: string | null }} HealthCheck */
