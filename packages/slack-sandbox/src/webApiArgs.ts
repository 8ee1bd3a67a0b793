import * as z from 'zod';
import { SlackApiError } from './errors';
import type { MessageMetadata } from './types';

/**
 * Reading Web API arguments the two ways clients send them: WebClient posts a form where
 * objects (`blocks`, `attachments`, `metadata`, `view`) are JSON strings and booleans/numbers are
 * text; other clients post JSON with `Authorization: Bearer`. Both end up as one argument record.
 */

export interface ApiRequest {
  readonly token?: string;
  readonly args: Record<string, unknown>;
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

function parseBody(contentType: string, rawBody: string): Record<string, unknown> {
  if (rawBody.trim() === '') return {};
  if (contentType.startsWith('application/json')) {
    let value: unknown;
    try {
      value = JSON.parse(rawBody);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SlackApiError('invalid_json', ['[ERROR] the JSON body must be an object']);
    }
    return value as Record<string, unknown>;
  }
  if (contentType === '' || contentType.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(rawBody));
  }
  throw new SlackApiError('invalid_form_data', [`[ERROR] unsupported content type ${contentType}`]);
}

/** Merges query-string and body arguments and takes the token from the header or the body. */
export function parseApiRequest(
  query: URLSearchParams,
  contentType: string,
  rawBody: string,
  authorization: string | undefined,
): ApiRequest {
  const { token: bodyToken, ...args } = {
    ...Object.fromEntries(query),
    ...parseBody(contentType, rawBody),
  };
  const token = bearerToken(authorization) ?? (typeof bodyToken === 'string' ? bodyToken : '');
  return token === '' ? { args } : { token, args };
}

function decodeJsonString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // left as text, so the schema reports what it expected
  }
}

/** A field WebClient sends as a JSON string in form bodies (and as-is in JSON bodies). */
export function jsonField<T extends z.ZodType>(schema: T) {
  return z.preprocess(decodeJsonString, schema);
}

/** `true`/`false`/`1`/`0` as text (forms) or real booleans (JSON). */
export const formBoolean = z.preprocess((value) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}, z.boolean());

export const formInt = z.coerce.number().int();

export const nonEmpty = z.string().min(1);

/** Slack message timestamps: seconds, a dot and six digits. */
export const slackTs = z
  .string()
  .regex(/^\d+\.\d{6}$/, 'expected a Slack ts like 1732543200.000100');

const metadataSchema = z.union([
  z.object({ event_type: z.string().min(1), event_payload: z.record(z.string(), z.json()) }),
  z.object({}).strict(),
]);

/**
 * Message metadata, as JSON text or an object. `{}` is Slack's way to remove it (null here);
 * a malformed one is refused with Slack's `invalid_metadata_format`.
 */
export function parseMetadata(value: unknown): MessageMetadata | null | undefined {
  if (value === undefined) return undefined;
  const result = metadataSchema.safeParse(decodeJsonString(value));
  if (!result.success) {
    throw new SlackApiError('invalid_metadata_format', [
      '[ERROR] metadata needs a non-empty event_type and an event_payload object',
    ]);
  }
  const metadata = result.data;
  return 'event_type' in metadata
    ? { event_type: metadata.event_type, event_payload: metadata.event_payload }
    : null;
}

/** Parses arguments; on failure throws the Slack error `code` with one line per problem. */
export function parseArgs<T extends z.ZodType>(
  schema: T,
  args: Record<string, unknown>,
  code = 'invalid_arguments',
): z.infer<T> {
  const result = schema.safeParse(args);
  if (!result.success) {
    throw new SlackApiError(
      code,
      result.error.issues.map(
        (issue) => `[ERROR] ${issue.message} [json-pointer:/${issue.path.map(String).join('/')}]`,
      ),
    );
  }
  return result.data;
}
