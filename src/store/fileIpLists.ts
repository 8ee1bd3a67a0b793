import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ListName } from '../actions/lists/entries';
import {
  changeList,
  listFileBody,
  listObjectKey,
  parseListFile,
  type ListChange,
} from '../actions/lists/listFile';
import type {
  IpListStore,
  ListChangeResult,
  ListContents,
  ListVersion,
} from '../actions/ports/ipLists';

/** The file of one list in one Region, named as the bucket names its object. */
function listPath(dir: string, list: ListName, region: string): string {
  return join(dir, ...listObjectKey(list, region).split('/'));
}

function etagOf(body: string): string {
  return `"${createHash('md5').update(body, 'utf8').digest('hex')}"`;
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The IP lists as files in a folder (the demo's data directory): what a laptop has instead of
 * the stack's bucket, behind the same port. Each file keeps its versions beside it
 * (`<region>.txt.versions`, one line per write), so audit records name a version before and
 * after as S3's do. One process owns the folder (the demo's store lock), so changes are
 * serialised in process; each write lands whole (written aside, then renamed).
 */
export class FileIpLists implements IpListStore {
  private readonly dir: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async read(list: ListName, region: string): Promise<ListContents> {
    const path = listPath(this.dir, list, region);
    const location = pathToFileURL(path).href;
    const body = await readOrUndefined(path);
    if (body === undefined) return { entries: [], location };
    const entries = parseListFile(body);
    const versions = parseListFile((await readOrUndefined(`${path}.versions`)) ?? '');
    const version: ListVersion = {
      etag: etagOf(body),
      versionId: String(Math.max(versions.length, 1)),
      entries: entries.length,
    };
    return { entries, version, location };
  }

  change(list: ListName, region: string, change: ListChange): Promise<ListChangeResult> {
    // One change at a time: each reads what the one before it wrote.
    const next = this.queue.then(() => this.changeNow(list, region, change));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async changeNow(
    list: ListName,
    region: string,
    change: ListChange,
  ): Promise<ListChangeResult> {
    const current = await this.read(list, region);
    const next = changeList(current.entries, change, list);
    const before = current.version;
    if (!next.changed) {
      return {
        ...(before === undefined ? {} : { before, after: before }),
        changed: false,
        location: current.location,
      };
    }
    const path = listPath(this.dir, list, region);
    const body = listFileBody(next.entries);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.writing`, body, 'utf8');
    await rename(`${path}.writing`, path);
    const versionId = String(Number(before?.versionId ?? '0') + 1);
    await writeFile(`${path}.versions`, `${versionId} ${etagOf(body)}\n`, {
      encoding: 'utf8',
      flag: 'a',
    });
    const after: ListVersion = { etag: etagOf(body), versionId, entries: next.entries.length };
    return {
      ...(before === undefined ? {} : { before }),
      after,
      changed: true,
      location: current.location,
    };
  }
}
