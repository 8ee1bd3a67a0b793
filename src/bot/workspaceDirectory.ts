import type { WebClient } from '@slack/web-api';
import type { WorkspaceDirectory, WorkspaceIdentity } from '../actions/ports/workspace';
import { BotIdentityError } from './botIdentity';

/**
 * The bot's own workspace from Slack's `auth.test`, asked once and kept; a failed lookup is asked
 * again next time (and fails the request in between: nothing is let through on a guess).
 */
export function slackWorkspaceDirectory(client: WebClient): WorkspaceDirectory {
  let known: Promise<WorkspaceIdentity> | undefined;
  const lookUp = async (): Promise<WorkspaceIdentity> => {
    const answer = await client.auth.test();
    if (answer.team_id === undefined || answer.team_id === '') {
      throw new BotIdentityError('auth.test named no team for the bot token');
    }
    const enterpriseId = answer.enterprise_id;
    return {
      teamId: answer.team_id,
      ...(enterpriseId === undefined || enterpriseId === '' ? {} : { enterpriseId }),
    };
  };
  return {
    workspace() {
      known ??= lookUp().catch((error: unknown) => {
        known = undefined;
        throw error;
      });
      return known;
    },
  };
}
