import type { Authorize, AuthorizeResult } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { WorkspaceDirectory } from '../actions/ports/workspace';
import { CodedError, ErrorCode } from '../shared/errors';

/** Bolt's `authorize` for a single-workspace bot token. */
export type BotAuthorize = Authorize<boolean>;

export class BotIdentityError extends CodedError {
  override readonly name = 'BotIdentityError';
  readonly code = ErrorCode.BotIdentityFailed;
}

/**
 * Looks up the bot's identity (`auth.test`) on the first request and remembers it. Bolt's own
 * `token` option starts that call in its constructor and keeps the promise: a failure there is an
 * unhandled rejection if no request is waiting (it crashes the Lambda runtime) and, once cached,
 * refuses every later request of the container. Here a failure fails that one request only and
 * the next one asks again.
 */
export function botAuthorization(client: WebClient, botToken: string): BotAuthorize {
  return botIdentity(client, botToken).authorize;
}

/** Bolt's `authorize` and the remediation service's workspace check, from one `auth.test`. */
export interface BotIdentity {
  readonly authorize: BotAuthorize;
  readonly workspace: WorkspaceDirectory;
}

/**
 * One `auth.test` per container for both the Bolt app and the remediation service: the first
 * click of a container would otherwise ask Slack twice who the bot is.
 */
export function botIdentity(client: WebClient, botToken: string): BotIdentity {
  let identity: Promise<AuthorizeResult> | undefined;
  const lookUp = async (): Promise<AuthorizeResult> => {
    const result = await client.auth.test({ token: botToken });
    if (result.user_id === undefined || result.bot_id === undefined) {
      throw new BotIdentityError('auth.test named no bot: is SLACK_BOT_TOKEN a bot token (xoxb-)?');
    }
    // The bot's own team rides in Bolt's context, so the workspace guard needs no second lookup.
    return {
      botToken,
      botId: result.bot_id,
      botUserId: result.user_id,
      ...(result.team_id === undefined || result.team_id === '' ? {} : { teamId: result.team_id }),
      ...(result.enterprise_id === undefined || result.enterprise_id === ''
        ? {}
        : { enterpriseId: result.enterprise_id }),
    };
  };
  const known = (): Promise<AuthorizeResult> => {
    identity ??= lookUp().catch((error: unknown) => {
      identity = undefined;
      throw error;
    });
    return identity;
  };
  return {
    authorize: known,
    workspace: {
      async workspace() {
        const { teamId, enterpriseId } = await known();
        if (teamId === undefined) {
          throw new BotIdentityError('auth.test named no team for the bot token');
        }
        return { teamId, ...(enterpriseId === undefined ? {} : { enterpriseId }) };
      },
    },
  };
}
