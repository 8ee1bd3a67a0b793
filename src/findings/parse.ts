import type * as z from 'zod';
import { EventBridgeEnvelopeSchema, FindingSchema, type Finding } from './schema';
import { CodedError, ErrorCode } from '../shared/errors';

/** A finding or event that cannot be used; the message names the field and what is wrong. */
export class FindingValidationError extends CodedError {
  override readonly name = 'FindingValidationError';
  readonly code = ErrorCode.FindingInvalid;
  constructor(
    message: string,
    readonly issues: readonly string[] = [message],
  ) {
    super(message);
  }
}

export interface ParsedFinding {
  readonly finding: Finding;
  /** The EventBridge event id, when the input was an envelope (not unique per finding). */
  readonly eventId?: string;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      return `${path}: missing (expected ${issue.expected})`;
    }
    return `${path}: ${issue.message}`;
  });
}

function looksLikeEnvelope(value: Record<string, unknown>): boolean {
  return 'detail' in value || 'source' in value || 'detail-type' in value;
}

/**
 * Accepts a GuardDuty finding or an EventBridge "GuardDuty Finding" event around one and returns
 * the finding. Anything else throws a FindingValidationError naming the first bad field.
 */
export function parseFindingInput(value: unknown): ParsedFinding {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FindingValidationError(
      `(root): expected a GuardDuty finding or EventBridge event object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
    );
  }
  const record = value as Record<string, unknown>;
  if (looksLikeEnvelope(record)) {
    const result = EventBridgeEnvelopeSchema.safeParse(record);
    if (!result.success) {
      const issues = describeIssues(result.error);
      throw new FindingValidationError(issues[0] ?? 'invalid event', issues);
    }
    return result.data.id === undefined
      ? { finding: result.data.detail }
      : { finding: result.data.detail, eventId: result.data.id };
  }
  const result = FindingSchema.safeParse(record);
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new FindingValidationError(issues[0] ?? 'invalid finding', issues);
  }
  return { finding: result.data };
}

/** Parses JSON text holding one finding/event or an array of them. */
export function parseFindingsJson(text: string): ParsedFinding[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FindingValidationError(`not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      try {
        return parseFindingInput(item);
      } catch (error) {
        if (error instanceof FindingValidationError) {
          throw new FindingValidationError(
            `[${index}].${error.message}`,
            error.issues.map((i) => `[${index}].${i}`),
          );
        }
        throw error;
      }
    });
  }
  return [parseFindingInput(value)];
}

/** A finding kept in the store was validated on the way in; parse it the same way back out. */
export function parseStoredFinding(json: string): Finding {
  return FindingSchema.parse(JSON.parse(json));
}
