import { isAwsError, type AwsCall } from './ports/awsGateway';
import { CodedError, ErrorCode, errorMessage } from '../shared/errors';
import { MEMBER_ROLE_STEP, type MemberRole } from './accounts/policy';

/** A guardrail that only the live state shows (e.g. the instance's protected tag): refused. */
export class RemediationRefusedError extends CodedError {
  override readonly name = 'RemediationRefusedError';
  readonly code = ErrorCode.RemediationRefused;
}

/** The resource is already as the action would leave it (e.g. the key is already inactive). */
export class AlreadyInStateError extends CodedError {
  override readonly name = 'AlreadyInStateError';
  readonly code = ErrorCode.AlreadyInState;
}

/** The target does not exist (any more), as our own checks found. */
export class TargetNotFoundError extends CodedError {
  override readonly name = 'TargetNotFoundError';
  readonly code = ErrorCode.TargetNotFound;
}

/** One planned call failed; the calls before it went through. */
export class CallFailedError extends CodedError {
  override readonly name = 'CallFailedError';
  readonly code = ErrorCode.AwsCallFailed;
  constructor(
    readonly call: AwsCall,
    override readonly cause: unknown,
  ) {
    super(
      cause instanceof MemberRoleUnavailableError ? cause.message : describeAwsFailure(cause, call),
    );
  }
}

/**
 * The member role could not be assumed in the finding's account: missing, or not trusting this
 * stack's worker role. The message names the role, the account and the step that deploys it.
 */
export class MemberRoleUnavailableError extends CodedError {
  override readonly name = 'MemberRoleUnavailableError';
  readonly code = ErrorCode.MemberRoleUnavailable;
  constructor(
    readonly role: MemberRole,
    /** AWS's words (AccessDenied: …), for the log and the status listing. */
    readonly reason: string,
    denied: boolean,
  ) {
    super(
      denied
        ? `could not assume ${role.roleArn} in account ${role.accountId}: ${reason}. The role is missing there or does not trust this stack's worker role; deploy it to that account (${MEMBER_ROLE_STEP}). Nothing was changed.`
        : `could not assume ${role.roleArn} in account ${role.accountId}: ${reason}. Nothing was changed; try again later.`,
    );
  }
}

/** The worker could not be handed the work; nothing was called. */
export class DispatchError extends CodedError {
  override readonly name = 'DispatchError';
  readonly code = ErrorCode.DispatchFailed;
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthFailure',
]);
const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidGroup.NotFound',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidVolume.NotFound',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);

/** Words for the thread and the audit log: what failed, why, and what to do. */
export function describeAwsFailure(error: unknown, call: AwsCall): string {
  const what = `${call.service}:${call.command}`;
  if (!isAwsError(error)) {
    return `${what} failed: ${errorMessage(error)}`;
  }
  const detail = error.message.trim() === '' ? '' : ` (${error.message.trim()})`;
  if (DENIED.has(error.name)) {
    return `AWS denied ${what}: the remediation role is not allowed to call it${detail}`;
  }
  if (NOT_FOUND.has(error.name)) return `Not found: ${what} says ${error.name}${detail}`;
  if (THROTTLED.has(error.name)) {
    const attempts = error.$metadata?.attempts;
    return `AWS kept throttling ${what}${attempts === undefined ? '' : ` after ${attempts} attempts`}; try again in a minute`;
  }
  if (error.name === 'BadRequestException' || error.name === 'InvalidInputException') {
    return `AWS rejected ${what}${detail}`;
  }
  return `${what} failed with ${error.name}${detail}`;
}
