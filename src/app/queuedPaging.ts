import { SqsPageQueue } from '../aws/sqsPageQueue';
import type { Config } from '../config';
import type { PagingWiring } from './pipeline';
import { PAGING_TOOL } from './pagingTool';

/**
 * Lambda's producers (the findings, Slack and worker functions): page requests go to the SQS
 * page queue, and only the pager function holds the routing key and talks to PagerDuty.
 */
export function queuedPaging(config: Config): PagingWiring | undefined {
  if (config.paging.kind !== 'queue') return undefined;
  const { queueUrl } = config.paging;
  return { tool: PAGING_TOOL, queue: () => new SqsPageQueue(queueUrl) };
}
