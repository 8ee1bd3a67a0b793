import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ListQuotaError } from '../../src/actions/lists/listFile';
import { FileIpLists } from '../../src/store/fileIpLists';

/** The demo's list store: files in a folder, behind the same port as the S3 bucket. */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-lists-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('FileIpLists', () => {
  it('keeps each list per Region in a file GuardDuty would read, with versions before and after', async () => {
    const lists = new FileIpLists(dir);
    const path = join(dir, 'threat-list', 'us-east-2.txt');
    expect(await lists.read('threat', 'us-east-2')).toEqual({
      entries: [],
      location: pathToFileURL(path).href,
    });
    const first = await lists.change('threat', 'us-east-2', { kind: 'add', entry: '203.0.113.9' });
    expect(first).toMatchObject({ changed: true, after: { versionId: '1', entries: 1 } });
    expect(first.before).toBeUndefined();
    const second = await lists.change('threat', 'us-east-2', {
      kind: 'add',
      entry: '198.51.100.0/24',
    });
    expect(second).toMatchObject({
      changed: true,
      before: { versionId: '1', etag: first.after?.etag },
      after: { versionId: '2', entries: 2 },
    });
    await expect(readFile(path, 'utf8')).resolves.toBe('203.0.113.9\n198.51.100.0/24\n');
    // Already covered by the range: nothing changes.
    expect(
      await lists.change('threat', 'us-east-2', { kind: 'add', entry: '198.51.100.7' }),
    ).toMatchObject({ changed: false, before: second.after, after: second.after });
    expect(
      await lists.change('threat', 'us-east-2', { kind: 'remove', entry: '203.0.113.9' }),
    ).toMatchObject({ changed: true, after: { versionId: '3', entries: 1 } });
    expect((await lists.read('trusted', 'us-east-2')).entries).toEqual([]);
    expect((await lists.read('threat', 'eu-west-1')).entries).toEqual([]);
  });

  it('loses no entry to 20 concurrent adds', async () => {
    const lists = new FileIpLists(dir);
    const ips = Array.from({ length: 20 }, (_, i) => `203.0.113.${i + 1}`);
    await Promise.all(
      ips.map((entry) => lists.change('threat', 'us-east-1', { kind: 'add', entry })),
    );
    const read = await lists.read('threat', 'us-east-1');
    expect([...read.entries].sort()).toEqual([...ips].sort());
    expect(read.version?.versionId).toBe('20');
  });

  it("refuses past GuardDuty's quota and writes nothing", async () => {
    const lists = new FileIpLists(dir);
    // A full trusted list (2,000 entries), as a hand edit or earlier adds left it.
    const entries = Array.from(
      { length: 2_000 },
      (_, i) => `203.0.${Math.floor(i / 200) + 1}.${i % 200}`,
    );
    await mkdir(join(dir, 'trusted-ips'), { recursive: true });
    await writeFile(join(dir, 'trusted-ips', 'us-east-1.txt'), `${entries.join('\n')}\n`);
    await expect(
      lists.change('trusted', 'us-east-1', { kind: 'add', entry: '192.0.2.9' }),
    ).rejects.toThrow(ListQuotaError);
    expect((await lists.read('trusted', 'us-east-1')).entries).toHaveLength(2_000);
  });
});
