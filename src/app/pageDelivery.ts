import { PageDelivery } from '../bot/paging/pageDelivery';
import type { Config } from '../config';
import { PagerDutyEvents } from '../oncall/pagerDutyEvents';
import { InProcessPageQueue } from '../paging/inProcessQueue';
import type { OnCallPager } from '../paging/ports';
import type { Log } from '../shared/log';
import { DynamoPageStates } from '../store/dynamoPageStates';
import type { Pipeline, PagingWiring } from './pipeline';
import { PAGING_TOOL } from './pagingTool';

/** The delivery of page requests to the on-call tool, over a pipeline (for the redraws). */
export function pageDelivery(
  pipeline: Omit<Pipeline, 'pages'>,
  pager: OnCallPager,
  log: Log,
): PageDelivery {
  return new PageDelivery({
    findings: pipeline.findings,
    pages: new DynamoPageStates(pipeline.store.client, pipeline.store.tables.findings),
    pager,
    publisher: pipeline.publisher,
    clock: pipeline.clock,
    log,
  });
}

/**
 * One process (`serve`, `post`, the demo): page requests are delivered in this process to the
 * PagerDuty the configuration names, retried with backoff, logged when they give up.
 */
export function inProcessPaging(
  config: Config,
  log: Log,
  options: {
    readonly onQueue?: (queue: InProcessPageQueue) => void;
    readonly backoffMs?: (retry: number) => number;
  } = {},
): PagingWiring | undefined {
  const paging = config.paging;
  if (paging.kind !== 'pagerduty') return undefined;
  return {
    tool: PAGING_TOOL,
    queue: (pipeline) => {
      const delivery = pageDelivery(
        pipeline,
        new PagerDutyEvents({ routingKey: paging.routingKey, eventsUrl: paging.eventsUrl }),
        log,
      );
      const queue = new InProcessPageQueue({
        deliver: (request, attempt) => delivery.deliver(request, attempt),
        log,
        ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
      });
      options.onQueue?.(queue);
      return queue;
    },
  };
}
