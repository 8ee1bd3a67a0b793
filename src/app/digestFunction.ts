import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { withSlackSecrets } from '../aws/slackSecrets';
import { respondTo } from '../bot/commands/defer';
import { manualRunId, scheduledRunId, type DigestOutcome, type DigestPoster } from '../bot/digest';
import { loadConfig } from '../config';
import type { Scorer } from '../ipinsights/scorer';
import type { RoutingTable } from '../routing/routes';
import type { Log } from '../shared/log';
import { coldStartOnce } from './coldStart';
import { digestAnswer, digestPoster } from './digests';
import { findingRecords } from './findingRecordWriter';
import { createLogger } from './logging';
import { createPipeline } from './pipeline';
import { PAGING_TOOL } from './pagingTool';
import { loadRoutingTable } from './routes';
import { scorerFromConfig } from './scorer';
import { openDynamoStore } from './store';

const ResponseUrl = z
  .url({ protocol: /^https?$/ })
  .refine(
    (url) => /^https:\/\/hooks\.slack\.com\//.test(url) || /^http:\/\/127\.0\.0\.1[:/]/.test(url),
    { error: 'must be a Slack response URL' },
  );

const DigestEventSchema = z.union([
  // `/guardduty digest`, handed over by the Slack function.
  z.strictObject({
    kind: z.literal('manual').default('manual'),
    digest: z.object({
      channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/),
      userId: z.string().regex(/^[UW][A-Z0-9]+$/),
      responseUrl: ResponseUrl,
    }),
  }),
  // A schedule rule: the day's digest of every digest channel.
  z
    .looseObject({ 'detail-type': z.literal('Scheduled Event'), time: z.iso.datetime() })
    .transform((event) => ({ kind: 'scheduled' as const, time: event.time })),
]);

/** The channels the routes gather digests for. */
export function digestChannels(routes: RoutingTable): string[] {
  return [
    ...new Set(
      routes.routes.flatMap((r) =>
        r.action.kind === 'deliver' && r.action.digest !== undefined ? [r.action.digest] : [],
      ),
    ),
  ];
}

export interface DigestParts {
  readonly poster: DigestPoster;
  readonly routes: RoutingTable;
  readonly fetch?: typeof fetch;
}

export type DigestResult =
  | { readonly kind: 'digests'; readonly outcomes: Readonly<Record<string, DigestOutcome>> }
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * The scheduled digest (once a day at the configured hour) and `/guardduty digest`. A schedule
 * delivered twice, or retried after a failure, shares the day's run: one digest per channel and
 * day, whatever runs at the same time. Slack or store failures throw, so the run is retried.
 */
export function createDigestHandler(parts: () => Promise<DigestParts>, log: Log) {
  return async (event: unknown): Promise<DigestResult> => {
    const parsed = DigestEventSchema.safeParse(event);
    if (!parsed.success) {
      const reason = `not a digest event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
      log.error('rejected digest event', { reason });
      return { kind: 'rejected', reason };
    }
    const { poster, routes, fetch: fetchFn } = await parts();
    if (parsed.data.kind === 'manual') {
      const { channel, responseUrl } = parsed.data.digest;
      const outcome = await poster.run(channel, manualRunId(channel, new Date()));
      await respondTo(
        responseUrl,
        fetchFn,
      )({
        response_type: 'ephemeral',
        text: digestAnswer(outcome),
      });
      return { kind: 'digests', outcomes: { [channel]: outcome } };
    }
    const at = new Date(parsed.data.time);
    const outcomes: Record<string, DigestOutcome> = {};
    for (const channel of digestChannels(routes)) {
      outcomes[channel] = await poster.run(channel, scheduledRunId(channel, at));
    }
    return { kind: 'digests', outcomes };
  };
}

/** The digest function as Lambda runs it. */
export function digestFunction() {
  const { logger, log } = createLogger('guardduty-chatops-digest');
  const parts = coldStartOnce(async (): Promise<DigestParts> => {
    const config = loadConfig(await withSlackSecrets(process.env), ['slackBot', 'channel']);
    const store = openDynamoStore(config);
    const routes = await loadRoutingTable(config);
    const scorer: Scorer = await scorerFromConfig(config, { log });
    const pipeline = createPipeline(config, {
      log,
      store,
      findings: findingRecords(store),
      routes,
      scorer,
      // Thread entries carry the paging buttons; this function itself never pages.
      ...(config.paging.kind === 'queue'
        ? {
            paging: {
              tool: PAGING_TOOL,
              queue: () => ({
                enqueue: () => Promise.reject(new Error('the digest function never pages')),
              }),
            },
          }
        : {}),
    });
    return { poster: digestPoster(pipeline, log), routes };
  });
  const handle = createDigestHandler(parts, log);
  return (event: unknown, context: Context): Promise<DigestResult> => {
    logger.addContext(context);
    return handle(event);
  };
}
