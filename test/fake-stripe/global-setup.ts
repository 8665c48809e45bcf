// Vitest globalSetup: one local Stripe for a whole test project, started in the
// Node main process (so it also serves projects whose tests run inside workerd).
//
//   test: { globalSetup: ['test/fake-stripe/global-setup.ts'] }
//   // in a test:  import { inject } from 'vitest';  const url = inject('fakeStripeUrl');
//
// Tests running in Node can also drive it directly through the control endpoints
// (POST {url}/__fake/reset, /__fake/429, /__fake/webhook, … with Content-Type: application/json;
// see tools/local-stripe/README.md).
// Environment (all optional): FAKE_STRIPE_PORT (default: a free port),
// FAKE_STRIPE_WEBHOOK_URL + FAKE_STRIPE_WEBHOOK_SECRET (deliver events there from the start).
import type { TestProject } from 'vitest/node';
import { startLocalStripe } from '../../tools/local-stripe/index';

export default async function setup(project: Pick<TestProject, 'provide'>) {
  const webhookUrl = process.env.FAKE_STRIPE_WEBHOOK_URL;
  const webhookSecret = process.env.FAKE_STRIPE_WEBHOOK_SECRET;
  const fake = await startLocalStripe({
    port: process.env.FAKE_STRIPE_PORT ? Number(process.env.FAKE_STRIPE_PORT) : 0,
    webhook: webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : null,
  });
  project.provide('fakeStripeUrl', fake.url);
  return () => fake.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    fakeStripeUrl: string;
  }
}
