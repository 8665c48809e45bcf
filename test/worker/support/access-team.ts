// Vitest globalSetup: a stand-in for a Cloudflare Access team's key endpoint
// (`/cdn-cgi/access/certs`), on loopback, with a fresh RS256 key pair per run. The worker
// fetches the public keys from it exactly as from Cloudflare; tests sign JWTs with the
// private key (provided as `accessTeam`).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestProject } from 'vitest/node';

export const ACCESS_KID = 'access-test-key-1';

export default async function setup(project: Pick<TestProject, 'provide'>) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: ACCESS_KID, alg: 'RS256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid: ACCESS_KID, alg: 'RS256' };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/cdn-cgi/access/certs') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  project.provide('accessTeam', { origin: `http://127.0.0.1:${port}`, privateJwk: JSON.stringify(privateJwk) });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    accessTeam: { origin: string; privateJwk: string };
  }
}
