// The back office's health page names the email provider, and says when there is none.
import { describe, expect, it } from 'vitest';
import { health } from '../../../worker/admin/health';
import { RecentEvents } from '../../../worker/platform/recent-events';
import { testEnv } from '../support/app';
import { env } from 'cloudflare:workers';

const context = (overrides: Parameters<typeof testEnv>[0]) => ({ db: env.DB, env: testEnv(overrides), now: () => Date.now(), waitUntil: () => {}, recentEvents: new RecentEvents() });

describe('the health page and email', () => {
  it('without EMAIL_API_KEY: no provider, and a warning saying buyers get no receipt', async () => {
    const answer = await health(context({}), 'https://shop.example/webhooks/stripe');
    expect(answer.configured.email).toBeNull();
    expect(answer.warnings).toContainEqual(expect.stringContaining('no email provider is configured'));
  });

  it('with Postmark configured: the provider, and no email warning', async () => {
    const answer = await health(context({ EMAIL_PROVIDER: 'postmark', EMAIL_API_KEY: 'pm-token', EMAIL_FROM: 'orders@shop.example', SITE_URL: 'https://shop.example' }), 'https://shop.example/webhooks/stripe');
    expect(answer.configured.email).toBe('postmark');
    expect(answer.warnings.filter((warning) => warning.startsWith('Email'))).toEqual([]);
  });
});
