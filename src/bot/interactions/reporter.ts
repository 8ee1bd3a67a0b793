import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Intent, IntentOutcome } from '../../actions/intents';
import type { RemediationReporter } from '../../actions/ports/reporter';
import type { Finding } from '../../findings';
import type { Log } from '../../shared/log';
import type { FindingRecordRepository } from '../../actions/ports/repositories';
import type { FindingPublisher } from '../findingPublisher';
import { outcomeThreadReply } from './replies';

export interface SlackReporterDeps {
  readonly publisher: Pick<FindingPublisher, 'refresh'>;
  readonly findings: Pick<FindingRecordRepository, 'get'>;
  readonly client: WebClient;
  /** Posts to a response_url (commands on findings without a message). */
  readonly fetch?: typeof fetch;
  readonly log: Log;
}

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

  async progress(intent: Intent): Promise<void> {
    await this.deps.publisher.refresh(intent.findingId);
  }

  async finished(intent: Intent, finding: Finding, outcome: IntentOutcome): Promise<void> {
    const { deps } = this;
    const reply = outcomeThreadReply(intent, finding, outcome);
    const refreshed = await this.refreshUnlessGone(intent);
    const record = refreshed ? await deps.findings.get(intent.findingId) : undefined;
    if (record?.ts !== undefined) {
      await deps.client.chat.postMessage({
        channel: record.channel,
        thread_ts: record.ts,
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
    deps.log.warn('no message or response_url to report an outcome to', {
      intentId: intent.id,
      findingId: intent.findingId,
    });
  }
}
