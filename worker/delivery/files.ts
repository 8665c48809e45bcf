// Which files an order delivers: those of the digital products it bought, each with its
// per-order download limit.
import { filesForPeriods, filesOf, type Product, type ProductFile } from '../../catalog';
import { DEFAULT_DOWNLOAD_LIMIT } from '../../contract/limits';

export interface OrderFile {
  product: Product;
  file: ProductFile;
  limit: number;
}

/** `periodsPaid`: a subscription order's paid periods (its own and each renewal), which decide its per-period files. */
export function orderFiles(products: Product[], periodsPaid = 1): OrderFile[] {
  return products
    .filter((product) => product.digital)
    .flatMap((product) => filesForPeriods(product, periodsPaid).map((file) => ({ product, file, limit: product.downloadLimit ?? DEFAULT_DOWNLOAD_LIMIT })));
}

/** The name a file is saved as: the last segment of its key. */
export function filenameOf(file: ProductFile): string {
  return file.key.slice(file.key.lastIndexOf('/') + 1);
}

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  zip: 'application/zip',
  epub: 'application/epub+zip',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  txt: 'text/plain; charset=utf-8',
};

/** The catalog's type, else what R2 stored, else by extension, else bytes. */
export function contentTypeOf(file: ProductFile, stored: string | undefined): string {
  const extension = filenameOf(file).split('.').pop()?.toLowerCase() ?? '';
  return file.contentType ?? stored ?? TYPES[extension] ?? 'application/octet-stream';
}

/**
 * `attachment`, with an ASCII fallback and the exact name in RFC 5987 form, so that no
 * name can break out of the header.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9._ -]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** What a seller should hear about the products of a fulfilled order: digital ones with nothing to download. */
export function missingFileWarnings(products: Product[], present: (key: string) => boolean): string[] {
  const warnings: string[] = [];
  for (const product of products.filter((candidate) => candidate.digital)) {
    const files = filesOf(product);
    if (files.length === 0) warnings.push(`digital product ${product.id} names no files in catalog.json: nothing to download`);
    for (const file of files) {
      if (!present(file.key)) warnings.push(`file ${file.key} of ${product.id} is not in the FILES bucket (npm run files -- put ${product.id} <path>)`);
    }
  }
  return warnings;
}
