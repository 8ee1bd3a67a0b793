import type { AwsCall, AwsCallResult, AwsGateway } from '../ports/awsGateway';
import type { IpListStore, ListVersion } from '../ports/ipLists';
import type { ListName } from './entries';

function listOf(value: unknown): ListName {
  if (value !== 'threat' && value !== 'trusted') throw new Error(`no list named ${String(value)}`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`a list call without ${what}`);
  return value;
}

function versionFields(prefix: string, version: ListVersion | undefined): Record<string, string> {
  return {
    ...(version?.versionId === undefined ? {} : { [`${prefix}VersionId`]: version.versionId }),
    ...(version?.etag === undefined ? {} : { [`${prefix}ETag`]: version.etag }),
  };
}

/**
 * The list files as planned calls (`lists:ReadList`, `lists:AddEntry`, `lists:RemoveEntry`), so
 * a list change is shown in a dry run, saved before and after it is made, and audited like every
 * AWS call; the store does the conditional read-modify-write.
 */
export class ListGateway implements AwsGateway {
  constructor(private readonly store: IpListStore) {}

  async call(call: AwsCall): Promise<AwsCallResult> {
    const list = listOf(call.input.List);
    const region = text(call.input.Region, 'a Region');
    if (call.command === 'ReadList') {
      const contents = await this.store.read(list, region);
      return {
        output: {
          Location: contents.location,
          Entries: String(contents.entries.length),
          ...versionFields('', contents.version),
        },
      };
    }
    if (call.command !== 'AddEntry' && call.command !== 'RemoveEntry') {
      throw new Error(`no list command ${call.command}`);
    }
    const entry = text(call.input.Entry, 'an entry');
    const result = await this.store.change(list, region, {
      kind: call.command === 'AddEntry' ? 'add' : 'remove',
      entry,
    });
    return {
      output: {
        Location: result.location,
        Changed: String(result.changed),
        Entries: String(result.after?.entries ?? 0),
        ...versionFields('Before', result.before),
        ...versionFields('After', result.after),
      },
    };
  }
}
