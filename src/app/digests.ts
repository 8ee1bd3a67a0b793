import { DigestPoster, manualRunId, type DigestOutcome } from '../bot/digest';
import { WebApiChannelMessages } from '../bot/slackClient';
import type { CommandDeps } from '../bot/commands/deps';
import { oneLine } from '../bot/commands/responses';
import type { Log } from '../shared/log';
import { DynamoDigests } from '../store/dynamoDigests';
import type { Pipeline } from './pipeline';

/** The digest poster over a pipeline whose finding records can be written. */
export function digestPoster(pipeline: Pipeline, log: Log): DigestPoster {
  return new DigestPoster({
    digests: new DynamoDigests(pipeline.store.client, pipeline.store.tables.findings),
    findings: pipeline.findings,
    publisher: pipeline.publisher,
    messages: new WebApiChannelMessages(pipeline.slack),
    clock: pipeline.clock,
    log,
  });
}

/** What `/guardduty digest` answers the person who typed it. */
export function digestAnswer(outcome: DigestOutcome): string {
  switch (outcome.kind) {
    case 'posted':
      return `:newspaper: Posted the digest: ${outcome.count} finding${outcome.count === 1 ? '' : 's'}, each in its thread.`;
    case 'empty':
      return 'No finding waits for this channel’s digest.';
    case 'already':
      return 'This digest is being posted already.';
  }
}

/** `/guardduty digest` in one process (`serve`, the demo): posted here, answered at once. */
export function inProcessDigest(poster: DigestPoster): NonNullable<CommandDeps['requestDigest']> {
  return async ({ channel }) =>
    oneLine(digestAnswer(await poster.run(channel, manualRunId(channel, new Date()))));
}
