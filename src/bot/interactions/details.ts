import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import * as z from 'zod';
import { messagesOf } from '../../actions/findingRecords';
import type { FindingRecordRepository } from '../../actions/ports/repositories';
import { parseStoredFinding, type Finding } from '../../findings';
import type { Log } from '../../shared/log';
import { errorMessage } from '../../shared/errors';
import {
  DETAILS_ACTION_ID,
  FINDING_DETAILS_EVENT_TYPE,
  renderFindingDetails,
  type ScoreView,
} from '../render/finding';
import { WebApiChannelMessages } from '../slackClient';

export interface DetailsDeps {
  readonly findings: Pick<FindingRecordRepository, 'get'>;
  readonly log: Log;
}

const DetailsValueSchema = z.strictObject({ f: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

function findingIdOf(value: string | undefined): string | undefined {
  try {
    const parsed = DetailsValueSchema.safeParse(JSON.parse(value ?? ''));
    return parsed.success ? parsed.data.f : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the thread already holds the details of this version of the finding. */
async function threadHasDetails(
  client: WebClient,
  channel: string,
  ts: string,
  finding: Finding,
): Promise<boolean> {
  let cursor: string | undefined;
  do {
    const page = await client.conversations.replies({
      channel,
      ts,
      include_all_metadata: true,
      limit: 200,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const message of page.messages ?? []) {
      const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
      if (
        message.metadata?.event_type === FINDING_DETAILS_EVENT_TYPE &&
        payload?.finding_id === finding.id &&
        payload.updated_at === finding.updatedAt
      ) {
        return true;
      }
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor !== undefined);
  return false;
}

/**
 * The "Details" button: the finding's description and details as a reply in its message's
 * thread. The publisher posts them with the message; a click posts them when the thread has none
 * for this version of the finding (a failed post, a newer publication), and otherwise tells the
 * clicker, and only them, where they are.
 */
export function registerDetailsListener(deps: DetailsDeps): (app: App) => void {
  return (app) => {
    app.action<BlockButtonAction>(
      { type: 'block_actions', action_id: DETAILS_ACTION_ID },
      async ({ ack, body, action, client }) => {
        await ack();
        const user = body.user.id;
        const channel = body.channel?.id;
        const tell = async (text: string) => {
          if (channel === undefined) return;
          await client.chat
            .postEphemeral({ channel, user, text, link_names: false, parse: 'none' })
            .catch((error: unknown) => {
              deps.log.warn('could not post an ephemeral answer', { error: errorMessage(error) });
            });
        };
        const findingId = findingIdOf(action.value);
        const record = findingId === undefined ? undefined : await deps.findings.get(findingId);
        if (record?.status !== 'posted' || record.ts === undefined) {
          await tell('That finding has no message here, so there is no thread for its details.');
          return;
        }
        const finding = parseStoredFinding(record.finding);
        // The thread of the message clicked, when it is one of the finding's (a route may post
        // it in several channels); otherwise the first one's.
        const clicked = body.container as { message_ts?: unknown; channel_id?: unknown };
        const target = messagesOf(record).find(
          (ref) => ref.ts === clicked.message_ts && ref.channel === clicked.channel_id,
        ) ?? { channel: record.channel, ts: record.ts };
        try {
          if (await threadHasDetails(client, target.channel, target.ts, finding)) {
            await tell("The details are in this message's thread.");
            return;
          }
          const score = JSON.parse(record.score) as ScoreView;
          await new WebApiChannelMessages(client).reply(
            target.channel,
            target.ts,
            renderFindingDetails(finding, score),
          );
        } catch (error) {
          deps.log.warn('could not post the details', { findingId, error: errorMessage(error) });
          await tell(':warning: Could not post the details in the thread; try again.');
        }
      },
    );
  };
}
