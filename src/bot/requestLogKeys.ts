import type { App } from '@slack/bolt';
import * as z from 'zod';

/** What a log line may say about the Slack request being handled. */
export interface SlackLogKeys {
  readonly slackUser?: string;
  readonly slackTeam?: string;
  /** `command /guardduty list`, `block_actions remediate:archive`, `view_submission suppress`. */
  readonly slackRequest: string;
}

const id = z.string().max(64);
const name = z.string().max(255);

// Only identifiers: response_url and trigger_id are capabilities, and the text is the user's.
const RequestSchema = z.object({
  type: name.optional(),
  user_id: id.optional(),
  team_id: id.optional(),
  command: name.optional(),
  text: z.string().optional(),
  user: z.object({ id: id.optional() }).nullish(),
  team: z.object({ id: id.optional() }).nullish(),
  actions: z.array(z.object({ action_id: name.optional() })).optional(),
  view: z.object({ callback_id: name.optional() }).nullish(),
});

function requestName(body: z.infer<typeof RequestSchema>): string {
  if (body.command !== undefined) {
    const subcommand = body.text?.trim().split(/\s+/, 1)[0] ?? '';
    const word = /^[a-z-]{1,20}$/.test(subcommand) ? ` ${subcommand}` : '';
    return `command ${body.command}${word}`;
  }
  const target = body.actions?.[0]?.action_id ?? body.view?.callback_id;
  return [body.type ?? 'unknown', target].filter((part) => part !== undefined).join(' ');
}

/** The user, team and kind of a Slack request body, for log lines; never its secrets or text. */
export function slackLogKeys(body: unknown): SlackLogKeys {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) return { slackRequest: 'unrecognised' };
  const request = parsed.data;
  const user = request.user_id ?? request.user?.id;
  const team = request.team_id ?? request.team?.id;
  return {
    ...(user === undefined ? {} : { slackUser: user }),
    ...(team === undefined ? {} : { slackTeam: team }),
    slackRequest: requestName(request),
  };
}

/**
 * Bolt middleware that hands each Slack request's log keys to `onRequest` (the Slack function tags
 * the invocation's log lines with them and logs the arrival) before the listeners run.
 */
export function onSlackRequest(onRequest: (keys: SlackLogKeys) => void): (app: App) => void {
  return (app) => {
    app.use(async ({ body, next }) => {
      onRequest(slackLogKeys(body));
      await next();
    });
  };
}
