import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request';
import { CodedError, ErrorCode } from '../shared/errors';

/**
 * Slack's request signing, checked both ways in time: Bolt refuses a request more than five
 * minutes old but takes one dated any time in the future, which a captured or forged request
 * could be; here both are refused.
 */
export const MAX_SKEW_SECONDS = 300;

export type SignatureVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: 'unsigned' | 'stale' | 'future' | 'invalid' };

export interface SignedHeaders {
  readonly signature?: string;
  readonly timestamp?: string;
}

/** A request dated too far ahead of this clock, refused before any listener runs. */
export class FutureSlackRequestError extends CodedError {
  override readonly name = 'FutureSlackRequestError';
  readonly code = ErrorCode.SlackRequestUnsigned;
}

/** The timestamp's own check: the signature is checked separately (it needs the body). */
export function timestampProblem(
  timestamp: string | undefined,
  nowMs: number,
): 'unsigned' | 'stale' | 'future' | undefined {
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return 'unsigned';
  const seconds = Number(timestamp);
  const now = Math.floor(nowMs / 1000);
  if (seconds < now - MAX_SKEW_SECONDS) return 'stale';
  if (seconds > now + MAX_SKEW_SECONDS) return 'future';
  return undefined;
}

export function checkSlackSignature(
  rawBody: string,
  headers: SignedHeaders,
  signingSecret: string,
  nowMs: number,
): SignatureVerdict {
  if (headers.signature === undefined) return { ok: false, problem: 'unsigned' };
  const problem = timestampProblem(headers.timestamp, nowMs);
  if (problem !== undefined) return { ok: false, problem };
  const valid = isValidSlackRequest({
    signingSecret,
    body: rawBody,
    headers: {
      'x-slack-signature': headers.signature,
      'x-slack-request-timestamp': Number(headers.timestamp),
    },
    nowMilliseconds: nowMs,
  });
  return valid ? { ok: true } : { ok: false, problem: 'invalid' };
}

/**
 * Where the signing secret comes from when it can be rotated (Secrets Manager on Lambda): the
 * copy in use, and a fresh read.
 */
export interface SigningSecretSource {
  current(): Promise<string>;
  /** Reads the secret again (at most about once a minute: forged requests must not flood it). */
  refresh(): Promise<string>;
}

/**
 * The signature checked with the signing secret in use, and once more with a fresh read of it
 * when they do not match, so a rotated secret is picked up at the first request signed with it
 * (and the old one stops working once the cached copy is older than its maximum age).
 */
export async function verifyRotatingSignature(
  rawBody: string,
  headers: SignedHeaders,
  secrets: SigningSecretSource,
  nowMs: number,
): Promise<SignatureVerdict> {
  const current = await secrets.current();
  const verdict = checkSlackSignature(rawBody, headers, current, nowMs);
  if (verdict.ok || verdict.problem !== 'invalid') return verdict;
  const fresh = await secrets.refresh();
  return fresh === current ? verdict : checkSlackSignature(rawBody, headers, fresh, nowMs);
}
