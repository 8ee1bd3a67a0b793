import { parse } from 'node:querystring';
import { getTypeAndConversation, IncomingEventType } from '@slack/bolt/dist/helpers';
import { CodedError, ErrorCode } from '../shared/errors';

/**
 * Whether a request body (signature already checked) is one Slack sends. Bolt calls no listener
 * for a body it cannot classify and leaves the request unacknowledged, so Slack would wait 3 s for
 * a 404; such a body is a client error and gets an immediate 400 instead.
 */

/** A signed body that is not a Slack request: truncated, random bytes, a foreign payload. */
export class MalformedSlackRequestError extends CodedError {
  override readonly name = 'MalformedSlackRequestError';
  readonly code = ErrorCode.SlackRequestMalformed;
}

/** Fields Slack sends with every slash command; a body cut short lacks some of them. */
const COMMAND_FIELDS = [
  'command',
  'text',
  'user_id',
  'team_id',
  'channel_id',
  'response_url',
  'trigger_id',
] as const;

/** What is wrong with a parsed body, or undefined for a request Bolt can route. */
export function slackBodyProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'the body is not a Slack request';
  }
  const fields = body as Record<string, unknown>;
  // Answered by the receivers themselves, before any listener.
  if (fields.ssl_check !== undefined || fields.type === 'url_verification') return undefined;
  const { type } = getTypeAndConversation(body);
  if (type === undefined) {
    return 'the body is not a Slack request (no slash command, interaction payload or event)';
  }
  if (type === IncomingEventType.Command) {
    const missing = COMMAND_FIELDS.filter((name) => typeof fields[name] !== 'string');
    if (missing.length > 0) return `the slash command lacks ${missing.join(', ')} (cut short?)`;
  }
  return undefined;
}

/** The body parsed as Bolt's receivers parse it: a form (with `payload` JSON) or JSON. */
function parseBody(rawBody: string, contentType: string | undefined): unknown {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parse(rawBody);
    return typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
  }
  return JSON.parse(rawBody);
}

/** What is wrong with a raw body, or undefined when it is a Slack request Bolt can route. */
export function rawBodyProblem(
  rawBody: string,
  contentType: string | undefined,
): string | undefined {
  let body: unknown;
  try {
    body = parseBody(rawBody, contentType);
  } catch {
    return 'the body is malformed (not a form or JSON Slack sends)';
  }
  return slackBodyProblem(body);
}

/** The headers of a request that decide how it is read and whether Slack signed it. */
export interface SlackRequestHeaders {
  readonly contentType?: string;
  readonly signature?: string;
  readonly timestamp?: string;
}
