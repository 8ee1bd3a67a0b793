import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Intent, IntentOutcome } from '../../actions/intents';
import type { RemediationReporter } from '../../actions/ports/reporter';
import { KINDS } from '../../actions/kinds';
import { resourceSubject } from '../../actions/targets';
import type { Finding } from '../../findings';
import { errorMessage } from '../../shared/errors';
import type { Log } from '../../shared/log';
import type { FindingRecordRepository, FindingsBySubject } from '../../actions/ports/repositories';
import type { FindingPublisher } from '../findingPublisher';
import { outcomeThreadReply } from './replies';

export interface SlackReporterDeps {
  readonly publisher: Pick<FindingPublisher, 'refresh'>;
  readonly findings: Pick<FindingRecordRepository, 'get'>;
  /** Every other message about the same subject, to redraw. */
  readonly bySubject: FindingsBySubject;
  readonly client: WebClient;
  /** Posts to a response_url (commands on findings without a message). */
  readonly fetch?: typeof fetch;
  /**
   * The security channel: where an outcome with neither a message nor a response_url is posted
   * (the stack's own, such as a command-made trust that ended).
   */
  readonly channel?: string;
  readonly log: Log;
}

/** Messages redrawn per subject change: the newest findings about it (Slack rate-limits updates). */
const REDRAW_LIMIT = 20;

/** Slack errors that mean the message or its channel no longer exists. */
const GONE = new Set(['message_not_found', 'channel_not_found', 'is_archived']);

/**
 * Reports to Slack: the finding's message is re-rendered (status line, buttons) and the details
 * go to its thread. A finding without a message (acted on through a command) gets the details
 * through the command's response_url instead.
 */
export class SlackReporter implements RemediationReporter {
  constructor(private readonly deps: SlackReporterDeps) {}

  /**
   * Re-renders the message; false when there is none, including one deleted from the channel
   * (retrying could never succeed, and the action itself is done and audited).
   */
  private async refreshUnlessGone(intent: Intent): Promise<boolean> {
    try {
      return await this.deps.publisher.refresh(intent.findingId);
    } catch (error) {
      if (error instanceof WebAPIPlatformError && GONE.has(error.data.error)) {
        this.deps.log.warn('the finding message is gone; reporting elsewhere', {
          findingId: intent.findingId,
          error: error.data.error,
        });
        return false;
      }
      throw error;
    }
  }

  async progress(intent: Intent, finding: Finding | undefined): Promise<void> {
    if (finding === undefined) return;
    await this.deps.publisher.refresh(intent.findingId);
    await this.refreshOthers(intent, finding);
  }

  /**
   * Every other message about the same instance, key or role shows the new state too (newest
   * first, at most REDRAW_LIMIT); one that cannot be redrawn is logged, never fails the report.
   */
  private async refreshOthers(intent: Intent, finding: Finding): Promise<void> {
    if (KINDS[intent.kind].touches === 'guardduty') return;
    const subject = resourceSubject(finding);
    if (subject === undefined) return;
    const others = await this.deps.bySubject.aboutSubject(subject, REDRAW_LIMIT + 1);
    for (const other of others) {
      if (other.findingId === intent.findingId) continue;
      await this.deps.publisher.refresh(other.findingId).catch((error: unknown) => {
        this.deps.log.warn('could not redraw a message about the same subject', {
          findingId: other.findingId,
          error: errorMessage(error),
        });
      });
    }
  }

  async finished(
    intent: Intent,
    finding: Finding | undefined,
    outcome: IntentOutcome,
  ): Promise<void> {
    const { deps } = this;
    const reply = outcomeThreadReply(intent, finding, outcome);
    if (finding !== undefined) await this.refreshOthers(intent, finding);
    const refreshed = finding !== undefined && (await this.refreshUnlessGone(intent));
    const record = refreshed ? await deps.findings.get(intent.findingId) : undefined;
    if (record?.ts !== undefined) {
      await deps.client.chat.postMessage({
        channel: record.channel,
        // A digest's entry is itself a reply: its details go in the same thread.
        thread_ts: record.threadTs ?? record.ts,
        text: reply.text,
        blocks: reply.blocks,
        unfurl_links: false,
        unfurl_media: false,
        link_names: false,
        parse: 'none',
      });
      return;
    }
    if (intent.responseUrl !== undefined) {
      const response = await (deps.fetch ?? fetch)(intent.responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          response_type: 'ephemeral',
          replace_original: false,
          text: reply.text,
          blocks: reply.blocks,
        }),
      });
      if (!response.ok) throw new Error(`response_url answered ${response.status}`);
      return;
    }
    if (deps.channel !== undefined && deps.channel !== '') {
      await deps.client.chat.postMessage({
        channel: deps.channel,
        text: reply.text,
        blocks: reply.blocks,
        unfurl_links: false,
        unfurl_media: false,
        link_names: false,
        parse: 'none',
      });
      return;
    }
    deps.log.warn('no message or response_url to report an outcome to', {
      intentId: intent.id,
      findingId: intent.findingId,
    });
  }
}
