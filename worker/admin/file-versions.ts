// Files that change: the catalog's files with their newest versions (published by `npm run files --
// put … --note`), and "Notify past buyers": one email per buyer and version, a bounded number per call.
import { catalog, filesOf, type Product, type ProductFile } from '../../catalog';
import type { AdminFileNotifyResponse, AdminFilesResponse, AdminFileView } from '../../contract/api';
import { FILE_NOTICES_PER_CALL } from '../../contract/limits';
import { shopMode } from '../platform/config';
import type { Context } from '../platform/context';
import { Refusal } from '../platform/refusal';
import { commit } from '../store/commit';
import { countToldBuyers, countUntoldBuyers, logBuyersNotified, newestFileVersions, queueFileUpdateNotices } from '../store/file-versions';

/** Each catalog file once, with the first digital product that names it and every product that delivers it. */
function catalogFiles(): { file: ProductFile; product: Product; products: string[] }[] {
  const byKey = new Map<string, { file: ProductFile; product: Product; products: string[] }>();
  for (const product of catalog.products.filter((candidate) => candidate.digital)) {
    for (const file of filesOf(product)) {
      const known = byKey.get(file.key);
      if (known) known.products.push(product.id);
      else byKey.set(file.key, { file, product, products: [product.id] });
    }
  }
  return [...byKey.values()];
}

export async function filesOverview(context: Context): Promise<AdminFilesResponse> {
  const files = catalogFiles();
  const versions = await newestFileVersions(context.db, files.map(({ file }) => file.key));
  const livemode = shopMode(context.env) === 'live';
  const published = files.filter(({ file }) => versions.has(file.key));
  const counts = published.length
    ? await context.db.batch(
        published.flatMap(({ file, products }) => {
          const notice = { fileKey: file.key, version: versions.get(file.key)!.version, products, livemode };
          return [countToldBuyers(context.db, notice), countUntoldBuyers(context.db, notice)];
        }),
      )
    : [];
  const countOf = (index: number, column: string) => Number((counts[index]?.results[0] as Record<string, number> | undefined)?.[column] ?? 0);
  return {
    files: files.map(({ file, product }): AdminFileView => {
      const version = versions.get(file.key);
      const at = published.findIndex((entry) => entry.file.key === file.key);
      return {
        key: file.key,
        product: { id: product.id, name: product.name },
        name: file.name,
        version: version?.version ?? 1,
        update: version ? { version: version.version, note: version.note, publishedAt: new Date(version.publishedAt).toISOString() } : null,
        told: at < 0 ? 0 : countOf(2 * at, 'told'),
        untold: at < 0 ? 0 : countOf(2 * at + 1, 'untold'),
      };
    }),
  };
}

/**
 * Queues the next FILE_NOTICES_PER_CALL past buyers' messages about the file's newest version, and
 * logs it as 'buyers_notified'. A buyer already told of that version is never queued again.
 */
export async function notifyPastBuyers(key: string, actor: string, context: Context): Promise<AdminFileNotifyResponse> {
  const entry = catalogFiles().find(({ file }) => file.key === key);
  if (!entry) throw new Refusal(404, `catalog.json names no file ${key}`);
  const newest = (await newestFileVersions(context.db, [key])).get(key);
  if (!newest) throw new Refusal(409, `${key} has no new version to tell buyers about: publish one first (npm run files -- put ${key} <path> --note "what changed")`);
  const now = context.now();
  const notice = { fileKey: key, version: newest.version, note: newest.note, products: entry.products, livemode: shopMode(context.env) === 'live', limit: FILE_NOTICES_PER_CALL, now };
  // The count and the log read the untold in the batch, before its queueing: what remains is that less what it queued.
  const [untoldBefore] = await commit(context, {
    writes: [countUntoldBuyers(context.db, notice), logBuyersNotified(context.db, notice, actor)],
    outbox: [queueFileUpdateNotices(context.db, notice)],
  });
  const before = Number((untoldBefore?.results[0] as { untold: number } | undefined)?.untold ?? 0);
  const queued = Math.min(before, FILE_NOTICES_PER_CALL);
  const untold = before - queued;
  const message =
    queued === 0
      ? `Every past buyer of ${entry.file.name} was already told of version ${newest.version}.`
      : `${queued} past buyer(s) of ${entry.file.name} will be emailed about version ${newest.version}${untold ? `; ${untold} not yet: press Notify again` : ''}.`;
  return { version: newest.version, queued, untold, message };
}
