import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { requireJson } from '../../../worker/http/require-json';

// The routes' own tests (checkout.stripe, admin) prove it is applied; these pin what it accepts.
const app = new Hono();
app.use('*', requireJson());
app.all('/', (c) => c.text('reached'));
// As worker/app.ts answers an HTTPException: its message as JSON, its headers kept.
app.onError((error, c) => {
  if (!(error instanceof HTTPException)) return c.text('unexpected', 500);
  const response = c.json({ error: error.message }, error.status);
  error.res?.headers.forEach((value, name) => response.headers.set(name, value));
  return response;
});

const send = (method: string, contentType?: string) =>
  app.request('/', { method, ...(contentType ? { headers: { 'content-type': contentType } } : {}), ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }) });

describe('requireJson', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON'])('lets a POST of %s through', async (contentType) => {
    expect(await (await send('POST', contentType)).text()).toBe('reached');
  });

  it.each(['text/plain', 'application/jsonx', 'application/x-www-form-urlencoded', 'text/json'])('refuses a POST of %s with 415 and Accept-Post', async (contentType) => {
    const response = await send('POST', contentType);
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: `Content-Type must be application/json, not ${contentType}` });
    expect(response.headers.get('accept-post')).toBe('application/json');
  });

  it.each(['PUT', 'PATCH', 'DELETE'])('refuses a %s without a Content-Type', async (method) => {
    expect((await send(method)).status).toBe(415);
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('lets a %s through without a Content-Type', async (method) => {
    expect((await send(method)).status).toBe(200);
  });
});
