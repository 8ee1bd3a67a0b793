import type { Finding } from '../findings';

type TagList = readonly {
  readonly key?: string | undefined;
  readonly value?: string | undefined;
}[];

function tagsIn(details: unknown): TagList {
  if (typeof details !== 'object' || details === null) return [];
  const tags = (details as { tags?: unknown }).tags;
  return Array.isArray(tags) ? (tags as TagList) : [];
}

/**
 * The tags of a finding's resource, whatever its type: an instance's, each S3 bucket's, and those
 * of EKS clusters, ECS clusters, Lambda functions and RDS databases (fields GuardDuty adds that
 * the schema keeps without modelling). Later values of a key win.
 */
export function resourceTags(finding: Finding): ReadonlyMap<string, string> {
  const resource = finding.resource;
  const tags = new Map<string, string>();
  if (resource === undefined) return tags;
  const lists: TagList[] = [
    tagsIn(resource.instanceDetails),
    ...(Array.isArray(resource.s3BucketDetails)
      ? (resource.s3BucketDetails as unknown[]).map(tagsIn)
      : []),
    tagsIn(resource.eksClusterDetails),
    tagsIn(resource.ecsClusterDetails),
    tagsIn(resource.lambdaDetails),
    tagsIn(resource.rdsDbInstanceDetails),
  ];
  for (const list of lists) {
    for (const tag of list) {
      if (typeof tag.key === 'string' && typeof tag.value === 'string')
        tags.set(tag.key, tag.value);
    }
  }
  return tags;
}
