import type { EventBridgeEvent } from 'aws-lambda';
import type { Log } from '../../src/log';

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
