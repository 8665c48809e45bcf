// Fresh signed links for a fulfilled order's files (each its newest version), with each file's name,
// size, downloads used and its newest version's note: what the success page shows and the deliver hook gets.
import type { Product } from '../../catalog';
import type { DownloadLink, FileUpdate } from '../../contract/api';
import { servesAccess } from '../../contract/order-states';
import type { Env } from '../platform/env';
import type { Order } from '../store/orders';
import type { FileVersion } from '../store/file-versions';
import { contentTypeOf, filenameOf, orderFiles } from './files';
import { downloadSettings } from './settings';
import { signLink } from './signature';

/** The path of a signed link (relative to the shop's origin). */
export function downloadPath(token: string, key: string, expires: number, signature: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `/downloads/${encodeURIComponent(token)}/${path}?expires=${expires}&signature=${signature}`;
}

function fileUpdateOf(version: FileVersion | undefined): FileUpdate | null {
  return version ? { version: version.version, note: version.note, publishedAt: new Date(version.publishedAt).toISOString() } : null;
}

/** `counts`: downloads so far by file key, and `versions`: the files' newest versions, both read with the order (store/order-records.ts); `periodsPaid`: see orderFiles. */
export async function downloadLinks(
  order: Order,
  products: Product[],
  counts: ReadonlyMap<string, number>,
  versions: ReadonlyMap<string, FileVersion>,
  env: Env,
  nowMs: number,
  periodsPaid = 1,
): Promise<DownloadLink[]> {
  const files = orderFiles(products, periodsPaid);
  if (!servesAccess(order.status) || !order.deliveryToken || files.length === 0) return [];
  const configured = downloadSettings(env);
  if (!configured.ok) {
    console.error(JSON.stringify({ msg: 'downloads not configured', order: order.id, reason: configured.reason }));
    return [];
  }
  const { bucket, secret, ttlSeconds } = configured.settings;
  const token = order.deliveryToken;
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  const heads = await Promise.all(files.map(({ file }) => bucket.head(versions.get(file.key)?.r2Key ?? file.key)));
  const links: DownloadLink[] = [];
  for (const [index, { product, file, limit }] of files.entries()) {
    const head = heads[index];
    if (!head) {
      console.error(JSON.stringify({ msg: 'download file missing from the bucket', key: file.key, order: order.id }));
      continue;
    }
    const signature = await signLink(secret, { token, key: file.key, expires });
    links.push({
      product: { id: product.id, name: product.name },
      name: file.name,
      filename: filenameOf(file),
      size: head.size,
      contentType: contentTypeOf(file, head.httpMetadata?.contentType),
      url: downloadPath(token, file.key, expires, signature),
      expiresAt: new Date(expires * 1000).toISOString(),
      limit,
      used: counts.get(file.key) ?? 0,
      update: fileUpdateOf(versions.get(file.key)),
    });
  }
  return links;
}
