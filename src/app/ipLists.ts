import { ListGateway } from '../actions/lists/listGateway';
import type { AwsGateway } from '../actions/ports/awsGateway';
import type { IpListStore } from '../actions/ports/ipLists';
import { S3IpLists } from '../aws/s3IpLists';
import type { Config } from '../config';

/** The list files in the stack's bucket (LISTS_BUCKET), or undefined where none is configured. */
export function s3ListStore(config: Config): IpListStore | undefined {
  const { bucket, defaultRegion } = config.ipLists;
  const owner = config.organization.adminAccountId;
  return bucket === undefined
    ? undefined
    : new S3IpLists({
        bucket,
        region: defaultRegion,
        ...(owner === undefined ? {} : { expectedOwner: owner }),
      });
}

/** The `lists` service of the AWS gateway over a list store. */
export function listGateway(store: IpListStore | undefined): Partial<{ lists: AwsGateway }> {
  return store === undefined ? {} : { lists: new ListGateway(store) };
}

/** The list store as an optional member (`{ lists }`, or nothing without a bucket). */
export function listStoreOf(config: Config): { lists?: IpListStore } {
  const store = s3ListStore(config);
  return store === undefined ? {} : { lists: store };
}
