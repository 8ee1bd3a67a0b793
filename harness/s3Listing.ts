import { Readable } from 'node:stream';
import { ObjectNotFoundError, type S3Location } from '../src/ipinsights/objectStorage';

/**
 * ListObjectsV2's semantics over an in-memory bucket, for the stand-ins the tests put behind the
 * S3 port, the SDK mock and the bundles' loopback S3: keys in order, `StartAfter` exclusive, and
 * with a `Delimiter` the keys past the prefix that contain it rolled up into common prefixes.
 */
export function listObjects(
  objects: ReadonlyMap<string, number>,
  request: { readonly prefix?: string; readonly delimiter?: string; readonly startAfter?: string },
): { readonly contents: { key: string; bytes: number }[]; readonly commonPrefixes: string[] } {
  const prefix = request.prefix ?? '';
  const contents: { key: string; bytes: number }[] = [];
  const commonPrefixes = new Set<string>();
  for (const key of [...objects.keys()].sort()) {
    if (!key.startsWith(prefix)) continue;
    if (request.startAfter !== undefined && key <= request.startAfter) continue;
    const rest = key.slice(prefix.length);
    const cut = request.delimiter === undefined ? -1 : rest.indexOf(request.delimiter);
    if (cut >= 0) commonPrefixes.add(prefix + rest.slice(0, cut + 1));
    else contents.push({ key, bytes: objects.get(key) ?? 0 });
  }
  return { contents, commonPrefixes: [...commonPrefixes] };
}

/** An in-memory bucket behind the S3 ports the retraining uses (list with sizes, folders, read). */
export function memoryBucket(objects: ReadonlyMap<string, string | Uint8Array>) {
  const sizes = () => new Map([...objects].map(([key, body]) => [key, Buffer.byteLength(body)]));
  return {
    async *listSized(prefix: S3Location, options: { readonly startAfter?: string } = {}) {
      const { contents } = listObjects(sizes(), {
        prefix: prefix.key,
        ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
      });
      for (const object of contents) yield await Promise.resolve(object);
    },
    async *folders(prefix: S3Location) {
      const { commonPrefixes } = listObjects(sizes(), { prefix: prefix.key, delimiter: '/' });
      for (const folder of commonPrefixes) yield await Promise.resolve(folder);
    },
    read: (location: S3Location) => {
      const body = objects.get(location.key);
      if (body === undefined) {
        return Promise.reject(new ObjectNotFoundError(`no such object: ${location.key}`));
      }
      return Promise.resolve(Readable.from([Buffer.from(body)]));
    },
  };
}
