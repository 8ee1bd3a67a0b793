import type { Authorize, AuthorizeResult } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
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
  return () => {
    identity ??= lookUp().catch((error: unknown) => {
      identity = undefined;
      throw error;
    });
    return identity;
  };
}
