// Every build records in dist/ why it must not be deployed (a loopback SITE_URL, npm start's local
// Stripe); `wrangler deploy` refuses a build whose record lists any.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILD_RECORD, buildRecord, isLoopback, type BuildFacts, type BuildRecord } from '../../../site/build/build-record';

const dist = fileURLToPath(new URL('../../../dist', import.meta.url));
const PRODUCTION: BuildFacts = { stripeMode: 'live', siteUrl: 'https://shop.example', localStripe: false };

describe('isLoopback', () => {
  it.each(['http://127.0.0.1:8787', 'http://127.1.2.3', 'http://localhost:3000', 'http://shop.localhost', 'http://[::1]:8787', 'http://0.0.0.0:8787'])('%s is this machine', (url) => {
    expect(isLoopback(url)).toBe(true);
  });

  it.each(['https://shop.example', 'https://127.0.0.1.example.com', 'https://localhost.example', 'http://10.0.0.1'])('%s is not', (url) => {
    expect(isLoopback(url)).toBe(false);
  });
});

describe('buildRecord', () => {
  it('a production build (public SITE_URL, real Stripe.js, every Buy a Payment Link or the worker) lists nothing', () => {
    expect(buildRecord(PRODUCTION)).toEqual({ stripeMode: 'live', siteUrl: 'https://shop.example', notForDeploy: [] });
  });

  it('lists each reason a build is local, naming what to set', () => {
    expect(buildRecord({ ...PRODUCTION, siteUrl: 'http://127.0.0.1:8787' }).notForDeploy).toEqual([expect.stringMatching(/^SITE_URL is http:\/\/127\.0\.0\.1:8787.*SITE_URL=https:\/\/<your shop>/)]);
    expect(buildRecord({ ...PRODUCTION, localStripe: true }).notForDeploy).toEqual([expect.stringMatching(/^VITE_LOCAL_STRIPE is set/)]);
    expect(buildRecord({ ...PRODUCTION, siteUrl: 'http://localhost:5173', localStripe: true }).notForDeploy).toHaveLength(2);
  });

  it("a test-mode build for a public SITE_URL, without the local Stripe, is fit to deploy (its Buy needs the worker's test key)", () => {
    expect(buildRecord({ ...PRODUCTION, stripeMode: 'test' })).toEqual({ stripeMode: 'test', siteUrl: 'https://shop.example', notForDeploy: [] });
  });
});

describe('dist/ (npm test builds it for this machine)', () => {
  it('records that it is a local build, and .assetsignore keeps the record out of the upload', () => {
    expect(existsSync(path.join(dist, 'index.html')), 'run `npm run build` first').toBe(true);
    const record = JSON.parse(readFileSync(path.join(dist, BUILD_RECORD), 'utf8')) as BuildRecord;
    expect(record.siteUrl).toBe('http://127.0.0.1:8787');
    expect(record.notForDeploy.length).toBeGreaterThan(0);
    expect(readFileSync(path.join(dist, '.assetsignore'), 'utf8').split('\n')).toContain(BUILD_RECORD);
  });
});
