import { z } from 'zod';
import { createAwsGateway } from '../actions/awsGateway';
import { loadConfig } from '../config';
import { createLogger, type Log } from '../log';
import { createRuntime, type Runtime } from '../runtime';
import { withSlackSecrets } from './secrets';

const WorkerEventSchema = z.object({ intentId: z.string().min(1).max(1024) });

export type WorkerResult =
  | { readonly kind: 'done'; readonly intentId: string }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * The remediation worker, invoked asynchronously by the Slack function with `{intentId}`. It runs
 * the intent once (a Lambda retry finds it taken or finished and only re-reports); an error from
 * Slack or the store throws, so Lambda retries and finally sends the event to the dead-letter
 * queue.
 */
export function createWorkerHandler(runtime: () => Promise<Runtime>, log: Log) {
  return async (event: unknown): Promise<WorkerResult> => {
    const parsed = WorkerEventSchema.safeParse(event);
    if (!parsed.success) {
      const reason = `not a worker event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
      log.error('rejected worker event', { reason });
      return { kind: 'rejected', reason };
    }
    await (await runtime()).remediation.worker.run(parsed.data.intentId);
    return { kind: 'done', intentId: parsed.data.intentId };
  };
}

const { log } = createLogger('guardduty-chatops-worker');
let runtimePromise: Promise<Runtime> | undefined;

// Built once per cold start; a failed start is retried on the next invocation.
function coldStartRuntime(): Promise<Runtime> {
  runtimePromise ??= (async () => {
    const config = loadConfig(await withSlackSecrets(process.env), ['slack', 'channel']);
    return createRuntime(config, { log, remediation: { aws: createAwsGateway() } });
  })().catch((error: unknown) => {
    runtimePromise = undefined;
    throw error;
  });
  return runtimePromise;
}

export const handler = createWorkerHandler(coldStartRuntime, log);
