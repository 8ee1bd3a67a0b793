import type { Context } from 'aws-lambda';
import * as z from 'zod';
import {
  CloudWatchMetricSink,
  SdkGuardDutyProbe,
  SdkRuleProbe,
  SqsQueueProbe,
} from '../aws/canaryProbes';
import { withSlackSecrets } from '../aws/slackSecrets';
import { respondTo } from '../bot/commands/defer';
import { DeferredCommandSchema } from '../bot/commands/defer';
import { renderCanaryCheck } from '../bot/health/healthReport';
import { createSlackClient } from '../bot/slackClient';
import { loadConfig } from '../config';
import type { Canary, CanaryReport } from '../health/canary';
import type { Log } from '../shared/log';
import { createCanary } from './canary';
import { coldStartOnce } from './coldStart';
import { createLogger } from './logging';
import { openDynamoStore } from './store';

/** The schedule's input, or a `/guardduty status --check` the worker handed over. */
const CanaryEventSchema = z.union([
  z.object({ trigger: z.literal('schedule') }),
  z.object({
    trigger: z.literal('command'),
    responseUrl: DeferredCommandSchema.shape.response_url,
    userId: DeferredCommandSchema.shape.user_id,
  }),
]);

export type CanaryResult =
  | { readonly kind: 'ran'; readonly report: CanaryReport }
  | { readonly kind: 'rejected'; readonly reason: string };

export interface CanaryFunctionParts {
  readonly canary: Canary;
  readonly fetch?: typeof fetch;
}

/**
 * One canary run per invocation. Its outcome is in the metric, the state and (on a change) the
 * channel; an on-demand run also answers the person who asked, through the command's
 * response_url. Only a broken store or CloudWatch makes it throw.
 */
export function createCanaryHandler(parts: () => Promise<CanaryFunctionParts>, log: Log) {
  return async (event: unknown): Promise<CanaryResult> => {
    const parsed = CanaryEventSchema.safeParse(event);
    if (!parsed.success) {
      const reason = `not a canary event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
      log.error('rejected canary event', { reason });
      return { kind: 'rejected', reason };
    }
    const { canary, fetch: fetchFn } = await parts();
    const report = await canary.run(parsed.data.trigger);
    if (parsed.data.trigger === 'command') {
      try {
        await respondTo(parsed.data.responseUrl, fetchFn)(renderCanaryCheck(report));
      } catch (error) {
        log.error('canary result not sent to the response_url', { error });
      }
    }
    return { kind: 'ran', report };
  };
}

/** The canary function as Lambda runs it: every check against the live AWS and Slack. */
export function canaryFunction() {
  const { logger, log } = createLogger('guardduty-chatops-canary');
  const parts = coldStartOnce(async (): Promise<CanaryFunctionParts> => {
    const config = loadConfig(await withSlackSecrets(process.env), ['slackBot', 'channel']);
    const store = openDynamoStore(config);
    const slack = createSlackClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl });
    const canary = createCanary({
      config,
      store,
      slack,
      guardduty: new SdkGuardDutyProbe(),
      rules: new SdkRuleProbe(),
      queues: new SqsQueueProbe(),
      metrics: new CloudWatchMetricSink(config.canary.stackName ?? 'guardduty-chatops'),
      log,
    });
    return { canary };
  });
  const handle = createCanaryHandler(parts, log);
  return (event: unknown, context: Context): Promise<CanaryResult> => {
    logger.addContext(context);
    return handle(event);
  };
}
