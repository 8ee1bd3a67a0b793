import type { RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import * as z from 'zod';

/**
 * The fields of a slash command a deferred answer needs. On Lambda, Bolt's AwsLambdaReceiver
 * answers Slack only after the listener returns, so slow subcommands are acked at once and
 * answered by the worker function through `response_url`.
 */
export const DeferredCommandSchema = z.object({
  command: z.string().min(1).max(64),
  text: z.string().max(4000),
  user_id: z.string().regex(/^[UW][A-Z0-9]+$/),
  user_name: z.string().max(128).default(''),
  team_id: z.string().regex(/^[TE][A-Z0-9]+$/),
  channel_id: z.string().max(64).default(''),
  // Slack's response URLs are on hooks.slack.com; the local sandbox uses loopback.
  response_url: z
    .url({ protocol: /^https?$/ })
    .refine(
      (url) => /^https:\/\/hooks\.slack\.com\//.test(url) || /^http:\/\/127\.0\.0\.1[:/]/.test(url),
      {
        error: 'must be a Slack response URL',
      },
    ),
  trigger_id: z.string().max(256).default(''),
});

export type DeferredCommand = z.infer<typeof DeferredCommandSchema>;

/** Hands a slow subcommand to the worker; resolves once the hand-over is accepted. */
export type DeferCommand = (command: DeferredCommand) => Promise<void>;

export function deferredCommandOf(command: SlashCommand): DeferredCommand {
  return {
    command: command.command,
    text: command.text,
    user_id: command.user_id,
    user_name: command.user_name,
    team_id: command.team_id,
    channel_id: command.channel_id,
    response_url: command.response_url,
    trigger_id: command.trigger_id,
  };
}

/** The deferred command as the listener code reads a slash command. */
export function slashCommandOf(command: DeferredCommand): SlashCommand {
  return {
    token: '',
    team_domain: '',
    channel_name: '',
    api_app_id: '',
    ...command,
  };
}

/** Bolt's `respond` outside Bolt: a JSON POST to the command's response_url. */
export function respondTo(
  responseUrl: string,
  fetchFn: typeof fetch = fetch,
  timeoutMs = 10_000,
): RespondFn {
  return async (message: string | RespondArguments) => {
    const body = typeof message === 'string' ? { text: message } : message;
    const response = await fetchFn(responseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      throw new Error(`response_url answered HTTP ${response.status}`);
    }
    return response;
  };
}
