// tools/licence-keys.mjs against a stand-in for the worker's POST /api/admin/licence-keys:
// keys a thousand a request, with SYNC_TOKEN or, behind Cloudflare Access, a service token.
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const TOOL = 'tools/licence-keys.mjs';
const SERVICE_TOKEN = { CF_ACCESS_CLIENT_ID: 'launch-bot.access', CF_ACCESS_CLIENT_SECRET: 'service-token-secret' };

interface Received {
  headers: http.IncomingHttpHeaders;
  body: { product: string; keys: string[] };
}

let received: Received[] = [];
let answer: (body: Received['body']) => { status: number; body: unknown } = (body) => ({ status: 200, body: { added: body.keys.length, available: body.keys.length } });
let url = '';
let dir = '';
const server = http.createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/api/admin/licence-keys') return res.writeHead(404).end('{}');
    const body = JSON.parse(text) as Received['body'];
    received.push({ headers: req.headers, body });
    const { status, body: reply } = answer(body);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(tmpdir(), 'licence-keys-'));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  received = [];
  answer = (body) => ({ status: 200, body: { added: body.keys.length, available: body.keys.length } });
});

async function keysFile(lines: string[]): Promise<string> {
  const file = path.join(dir, `keys-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('npm run licence-keys', () => {
  it('sends the keys of the file, a thousand a request, skipping blank lines and # comments, with the SYNC_TOKEN bearer', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `KEY-${String(i).padStart(5, '0')}`);
    const file = await keysFile(['# from the supplier', '', ...keys]);
    const result = await runCli(TOOL, ['trail-map-print', file, '--worker', url], { SYNC_TOKEN: 'sync_token' });
    expect(result.code, result.stderr).toBe(0);
    expect(received.map((r) => r.body.keys.length)).toEqual([1000, 1000, 500]);
    expect(received.flatMap((r) => r.body.keys)).toEqual(keys);
    expect(received.every((r) => r.body.product === 'trail-map-print' && r.headers.authorization === 'Bearer sync_token')).toBe(true);
    expect(result.stdout).toContain('2500 of 2500 keys added');
  });

  it('behind Cloudflare Access, sends the service token as CF-Access-Client-Id and -Secret', async () => {
    const result = await runCli(TOOL, ['trail-map-print', await keysFile(['KEY-1']), '--worker', url], SERVICE_TOKEN);
    expect(result.code, result.stderr).toBe(0);
    expect(received[0]!.headers).toMatchObject({ 'cf-access-client-id': 'launch-bot.access', 'cf-access-client-secret': 'service-token-secret' });
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('a refusal by the worker stops with its reason', async () => {
    answer = () => ({ status: 400, body: { error: 'product field-notes does not take licence keys from a pool (catalog.json "licence": "pool")' } });
    const result = await runCli(TOOL, ['field-notes', await keysFile(['KEY-1']), '--worker', url], { SYNC_TOKEN: 'sync_token' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('does not take licence keys from a pool');
  });

  it('without SYNC_TOKEN or a service token it sends nothing and says what to set', async () => {
    const result = await runCli(TOOL, ['trail-map-print', await keysFile(['KEY-1']), '--worker', url], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No way into the back office');
    expect(received).toEqual([]);
  });
});
