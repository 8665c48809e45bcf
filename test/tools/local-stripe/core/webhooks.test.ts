// Where the local Stripe may deliver webhooks: this machine only, by the URL's parsed host.
import { describe, expect, it } from 'vitest';
import { WebhookSender } from '../../../../tools/local-stripe/core/webhooks';

const sender = () => new WebhookSender({ log: () => {}, retryDelaysMs: [] });

describe('webhook URLs', () => {
  it.each(['http://127.evil.example/', 'http://127.0.0.1.nip.io/', 'http://localhost.evil.example/', 'http://127.0.0.2/', 'http://0x7f000001.evil.example/', 'http://evil.example/?127.0.0.1', 'http://127.0.0.1@evil.example/', 'file:///etc/passwd', 'not a url'])(
    'refuses %s, keeping the target it had',
    (url) => {
      const webhooks = sender();
      webhooks.setTarget({ url: 'http://127.0.0.1:9/kept', secret: 'whsec_x' });
      expect(() => webhooks.setTarget({ url, secret: 'whsec_x' })).toThrow(/127\.0\.0\.1, ::1 or localhost/);
      expect(webhooks.target?.url).toBe('http://127.0.0.1:9/kept');
    },
  );

  it.each(['http://127.0.0.1:8787/webhooks/stripe', 'http://localhost:8787/webhooks/stripe', 'http://[::1]:8787/webhooks/stripe', 'https://localhost/webhooks/stripe'])('accepts %s', (url) => {
    const webhooks = sender();
    webhooks.setTarget({ url, secret: 'whsec_x' });
    expect(webhooks.target?.url).toBe(url);
  });
});
