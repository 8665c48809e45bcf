import { Hono } from 'hono';
import { liveCatalog } from '../catalog/live';
import type { AppEnv } from '../env';
import { hasStripeKey } from '../stripe/client';

export const catalogRoute = new Hono<AppEnv>();

// What the seller sells right now. `checkout` tells the storefront whether the
// worker can create Checkout Sessions (a cart) or the shop runs on Payment Links.
catalogRoute.get('/', async (c) => c.json({ checkout: hasStripeKey(c.env), products: await liveCatalog(c.env) }));
