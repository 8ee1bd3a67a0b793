/** The Slack workspace the bot is installed in, as `auth.test` names it. */
export interface WorkspaceIdentity {
  readonly teamId: string;
  readonly enterpriseId?: string;
}

/**
 * Who the bot is: requests and intents from any other team or enterprise are refused. Looked up
 * once and cached; a failed lookup throws (the request is retried, never let through).
 */
export interface WorkspaceDirectory {
  workspace(): Promise<WorkspaceIdentity>;
}

/** Whether an actor's team belongs to the bot's workspace. */
export function isOwnWorkspace(
  own: WorkspaceIdentity,
  actor: { readonly teamId: string; readonly enterpriseId?: string },
): boolean {
  if (actor.teamId !== own.teamId) return false;
  return own.enterpriseId === undefined || actor.enterpriseId === undefined
    ? true
    : actor.enterpriseId === own.enterpriseId;
}
