import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { withPagerDutySecret } from '../aws/pagerDutySecret';
import { withSlackSecrets } from '../aws/slackSecrets';
import type { PageDelivery } from '../bot/paging/pageDelivery';
import { ConfigError, loadConfig } from '../config';
import type { Scorer } from '../ipinsights/scorer';
import { PagerDutyEvents } from '../oncall/pagerDutyEvents';
import { PageRequestSchema } from '../paging/pageRequest';
import type { Log } from '../shared/log';
import { coldStartOnce } from './coldStart';
import { findingReader } from './findingRepositories';
import { createLogger } from './logging';
import { pageDelivery } from './pageDelivery';
import { createPipeline } from './pipeline';
import { PAGING_TOOL } from './pagingTool';
import { openDynamoStore } from './store';

/** The page queue's maxReceiveCount: the try that reaches it records the failure as final. */
const DEFAULT_MAX_RECEIVES = 5;

/**
 * The page queue's consumer. Each message is one page request, delivered on its own: a failed one
 * is reported back (ReportBatchItemFailures) and comes again after the visibility timeout; after
 * the queue's last try it moves to the dead-letter queue, whose alarm fires. A message that is
 * not a page request is logged and dropped (retrying cannot help).
 */
export function createPagerHandler(
  delivery: () => Promise<PageDelivery>,
  log: Log,
  maxReceives = DEFAULT_MAX_RECEIVES,
) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = undefined;
      }
      const parsed = PageRequestSchema.safeParse(body);
      if (!parsed.success) {
        log.error('dropped a queue message that is not a page request', {
          messageId: record.messageId,
          reason: parsed.error.issues[0]?.message ?? 'not JSON',
        });
        continue;
      }
      const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
      try {
        await (
          await delivery()
        ).deliver(parsed.data, {
          number: receives,
          final: receives >= maxReceives,
        });
      } catch {
        // Logged by the delivery; the queue tries again, then dead-letters it.
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

/** Redraws only; never scores (the finding was scored when it was posted). */
const NO_SCORING: Scorer = {
  description: 'IP Insights scores in the findings function',
  score: () => Promise.reject(new Error('the pager function does not score')),
};

/** The pager function as Lambda runs it: PagerDuty's routing key and Slack's token from secrets. */
export function pagerFunction() {
  const { logger, log } = createLogger('guardduty-chatops-pager');
  const delivery = coldStartOnce(async () => {
    const env = await withPagerDutySecret(await withSlackSecrets(process.env));
    const config = loadConfig(env, ['slackBot', 'channel']);
    if (config.paging.kind !== 'pagerduty') {
      throw new ConfigError(['PAGERDUTY_SECRET_ARN: missing (the secret holding the routing key)']);
    }
    const store = openDynamoStore(config);
    const pipeline = createPipeline(config, {
      log,
      store,
      findings: findingReader(store),
      scorer: NO_SCORING,
      // Redraws show the page; this function delivers pages and never asks for one.
      paging: { tool: PAGING_TOOL, queue: () => ({ enqueue: () => Promise.resolve() }) },
    });
    const { routingKey, eventsUrl } = config.paging;
    return pageDelivery(pipeline, new PagerDutyEvents({ routingKey, eventsUrl }), log);
  });
  const maxReceives = Number(process.env.PAGE_MAX_RECEIVES) || DEFAULT_MAX_RECEIVES;
  const handle = createPagerHandler(delivery, log, maxReceives);
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    return handle(event);
  };
}
