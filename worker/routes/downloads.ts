import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DownloadQuery } from '../../contract/api';
import { DELIVERY_TOKEN, FILE_KEY } from '../../contract/ids';
import type { AppEnv } from '../http/app-env';
import { authorizeDownload, countDownload, type Refusal } from '../delivery/download';
import { contentDisposition, contentTypeOf, filenameOf } from '../delivery/files';
import { parseRange } from '../delivery/range';
import { REFUSAL_PAGE_STYLE_SOURCE, refusalPage, wantsPage } from '../delivery/refusal-page';
import { pageSecurityHeaders } from './page-headers';
import { validate } from '../http/validate';

export const downloads = new Hono<AppEnv>();

// What answers here opens in a buyer's browser: the refusal page, or a file.
downloads.use('*', pageSecurityHeaders({ styleSrc: [REFUSAL_PAGE_STYLE_SOURCE] }));

const refuse = (refusal: Refusal): never => {
  throw new HTTPException(refusal.refused, { message: refusal.reason });
};

// A buyer's browser opening a refused link gets a page saying why and what to do (never a
// dead end of JSON); scripts and download managers keep the JSON answer of every API route.
downloads.onError((error, c) => {
  if (!(error instanceof HTTPException) || !error.message || !wantsPage(c.req.raw.headers)) throw error;
  const log = error.status >= 500 ? console.error : console.warn;
  const path = new URL(c.req.url).pathname;
  log(JSON.stringify({ msg: 'request rejected', path, status: error.status, reason: error.message }));
  const response = c.html(refusalPage(error.message, path.split('/')[2]), error.status);
  error.res?.headers.forEach((value, name) => response.headers.set(name, value));
  response.headers.set('cache-control', 'no-store');
  return response;
});

// A signed link to one file of one order: `/downloads/<delivery token>/<R2 key>?expires=…&signature=…`.
// The file streams from R2 (never public, never through JSON); HEAD answers its headers
// without counting, so a download manager's probe costs the buyer nothing.
downloads.get('/:token/:key{.+}', validate('query', DownloadQuery), async (c) => {
  const { token, key } = c.req.param();
  if (!DELIVERY_TOKEN.test(token) || !FILE_KEY.test(key)) throw new HTTPException(404, { message: 'no such download' });
  const { expires, signature } = c.req.valid('query');
  const now = c.var.deps.now();
  const grant = await authorizeDownload(c.env, now, { token, key, expires: Number(expires) }, signature);
  if ('refused' in grant) return refuse(grant);

  const bucket = grant.settings.bucket;
  const head = await bucket.head(grant.r2Key);
  if (!head) {
    console.error(JSON.stringify({ msg: 'download file missing from the bucket', key: grant.r2Key, order: grant.order.id }));
    throw new HTTPException(404, { message: 'this file is missing from the shop; the seller has been told' });
  }
  const headers = new Headers({
    'content-type': contentTypeOf(grant.file.file, head.httpMetadata?.contentType),
    'content-disposition': contentDisposition(filenameOf(grant.file.file)),
    etag: head.httpEtag,
    'accept-ranges': 'bytes',
    // Per-buyer and counted: no shared cache may keep or replay it.
    'cache-control': 'private, no-store',
  });
  // If-Range names the version a resumed download started from; another version means the whole file.
  const ifRange = c.req.header('if-range');
  const request = ifRange && ifRange !== head.httpEtag ? { kind: 'whole' as const } : parseRange(c.req.header('range'), head.size);
  if (request.kind === 'multiple' || request.kind === 'unsatisfiable') {
    throw new HTTPException(416, { message: request.reason, res: new Response(null, { headers: { 'content-range': `bytes */${head.size}` } }) });
  }
  const range = request.kind === 'partial' ? request.range : { offset: 0, length: head.size };
  headers.set('content-length', String(range.length));
  if (request.kind === 'partial') headers.set('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
  const status = request.kind === 'partial' ? 206 : 200;
  if (c.req.method === 'HEAD') return new Response(null, { status, headers });

  const counted = await countDownload(c.env.DB, grant, now);
  if ('refused' in counted) return refuse(counted);
  // The version counted is the version served: a file replaced since the HEAD is a conflict, not a mix.
  const object = await bucket.get(grant.r2Key, { range, onlyIf: { etagMatches: head.etag } });
  if (!object || !('body' in object)) throw new HTTPException(409, { message: 'the file changed while downloading; try again' });
  return new Response(object.body, { status, headers });
});
