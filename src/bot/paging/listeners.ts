import type { App, BlockButtonAction } from '@slack/bolt';
import type { PageQueue } from '../../paging/ports';
import { errorMessage } from '../../shared/errors';
import type { Log } from '../../shared/log';
import { prose } from '../render/text';
import { PAGE_ACTION_PATTERN, parsePageButton } from './pageMessage';

export interface PagingListenerDeps {
  readonly pages: PageQueue;
  readonly isResponder: (userId: string) => Promise<boolean>;
  readonly clock: () => Date;
  readonly log: Log;
}

/**
 * "Page on-call" and "Acknowledge": a responder's click becomes a page request (fast: a queue
 * write), acknowledged at once; the pager delivers it and redraws the message with the state.
 */
export function registerPagingListeners(deps: PagingListenerDeps): (app: App) => void {
  return (app) => {
    app.action<BlockButtonAction>(
      { type: 'block_actions', action_id: PAGE_ACTION_PATTERN },
      async ({ ack, body, action, client }) => {
        const channel = body.channel?.id;
        const tell = async (text: string) => {
          if (channel === undefined) return;
          await client.chat
            .postEphemeral({ channel, user: body.user.id, text, link_names: false, parse: 'none' })
            .catch((error: unknown) => {
              deps.log.warn('could not post an ephemeral answer', { error: errorMessage(error) });
            });
        };
        const button = parsePageButton(action.action_id, action.value);
        if (button === undefined) {
          await ack();
          await tell('That button is not one this bot drew; nothing was done.');
          return;
        }
        if (!(await deps.isResponder(body.user.id))) {
          await ack();
          deps.log.warn('page request refused: not a responder', {
            findingId: button.findingId,
            user: body.user.id,
            action: button.action,
          });
          await tell('Only responders can page on-call or acknowledge a page.');
          return;
        }
        const userName = body.user.username;
        try {
          await deps.pages.enqueue({
            findingId: button.findingId,
            action: button.action,
            requestedAt: deps.clock().toISOString(),
            by: { userId: body.user.id, ...(userName === '' ? {} : { userName }) },
          });
        } catch (error) {
          await ack();
          deps.log.error('could not queue the page request', { error: errorMessage(error) });
          await tell(
            `:warning: Could not reach the page queue: ${prose(errorMessage(error), 300)}`,
          );
          return;
        }
        await ack();
        deps.log.info('page request queued', {
          findingId: button.findingId,
          action: button.action,
          user: body.user.id,
        });
        await tell(
          button.action === 'trigger'
            ? 'Paging on-call; the message shows the incident once it is open.'
            : 'Acknowledging the page; the message shows it in a moment.',
        );
      },
    );
  };
}
