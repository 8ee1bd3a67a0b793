import type { ListPolicy } from '../actions/lists/check';
import { parseEgress } from '../actions/lists/entries';
import type { Config } from '../config';

/**
 * The list rules from the configuration: the egress addresses no list may name, the Region. Its
 * own module, so the Slack function (which checks a request at once) holds no S3 code.
 */
export function listPolicy(config: Config): ListPolicy {
  return {
    egress: parseEgress(config.ipLists.egress),
    defaultRegion: config.ipLists.defaultRegion,
    ...(config.ipLists.dryRun === undefined ? {} : { dryRun: config.ipLists.dryRun }),
    ...(config.ipLists.bucket === undefined || config.organization.adminAccountId === undefined
      ? {}
      : { bucketOwner: config.organization.adminAccountId }),
  };
}
