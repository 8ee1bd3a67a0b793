import type { EventBridgeEvent } from 'aws-lambda';
import { signRequest, slashCommandBody } from '@guardduty-chatops/slack-sandbox';
import type { Log } from '../../src/shared/log';

/** Wraps a bare finding the way EventBridge delivers it. */
export function eventOf(detail: Record<string, unknown>): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: '28e463cd-ca3b-587f-045e-49903af281e5',
    'detail-type': 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: '123456789012',
    time: '2026-11-21T09:45:30Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** Records log lines for assertions on what a handler logged. */
export function recordingLog(): Log & {
  lines: { level: string; message: string; attributes?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    lines.push(attributes === undefined ? { level, message } : { level, message, attributes });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A recorded Web API call's arguments as Slack reads them: WebClient sends form fields, with
 * blocks and metadata as JSON strings and booleans as "true"/"false".
 */
export function slackArgs(
  call: { args: Record<string, unknown> } | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call?.args ?? {})) {
    if (
      typeof value === 'string' &&
      /^[[{]/.test(value) &&
      ['blocks', 'metadata', 'view', 'attachments'].includes(key)
    ) {
      out[key] = JSON.parse(value) as unknown;
    } else if (value === 'true' || value === 'false') {
      out[key] = value === 'true';
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A Function URL / HTTP API (payload 2.0) event carrying a request signed as Slack signs it. */
export function signedSlackEvent(
  body: string,
  signingSecret: string,
  options: { ageSeconds?: number } = {},
) {
  const now = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
  const signed = signRequest(signingSecret, body, now);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': signed['X-Slack-Signature'],
      'x-slack-request-timestamp': signed['X-Slack-Request-Timestamp'],
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' } },
    body,
    isBase64Encoded: false,
  };
}

/** The form body Slack posts for `/guardduty <text>` typed by `user` in `channel`. */
export function guarddutyCommandBody(text: string, user: string, channel: string): string {
  return slashCommandBody({
    token: 'local-verification-token',
    team_id: 'T0LOCAL001',
    team_domain: 'guardduty-local',
    channel_id: channel,
    channel_name: 'security',
    user_id: user,
    user_name: 'alice',
    command: '/guardduty',
    text,
    api_app_id: 'A0LOCALAPP',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0LOCAL001/1/abc',
    trigger_id: '1.2.3',
  });
}
