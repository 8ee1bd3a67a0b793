/**
 * One base for every error the product throws on purpose, each with a stable `code` (as
 * bolt-js's `CodedError`): callers branch on the code, never on a message, and the command line
 * maps codes to exit codes (`src/cli/exitCodes.ts`). Names stay explicit strings because the
 * Lambda bundles are minified.
 */
export const ErrorCode = {
  // Bad usage or bad input: the caller can fix it.
  Usage: 'usage',
  ConfigInvalid: 'config_invalid',
  FindingInvalid: 'finding_invalid',
  InputMalformed: 'input_malformed',
  HyperparameterInvalid: 'hyperparameter_invalid',
  ObjectLocationInvalid: 'object_location_invalid',
  ObjectNotFound: 'object_not_found',
  ModelNotFound: 'model_not_found',
  ModelFormatInvalid: 'model_format_invalid',
  ModelDestinationInvalid: 'model_destination_invalid',
  CloudTrailInputInvalid: 'cloudtrail_input_invalid',
  TrainingSetEmpty: 'training_set_empty',
  ScorerConfigInvalid: 'scorer_config_invalid',
  CommandArgumentInvalid: 'command_argument_invalid',
  SageMakerSetupInvalid: 'sagemaker_setup_invalid',
  AthenaQueryInvalid: 'athena_query_invalid',
  SlackRequestMalformed: 'slack_request_malformed',
  SlackRequestUnsigned: 'slack_request_unsigned',
  SlackSecretInvalid: 'slack_secret_invalid',
  RoutesInvalid: 'routes_invalid',
  AccountsInvalid: 'accounts_invalid',
  StoreNotFound: 'store_not_found',
  // The world said no, or broke: retrying later or fixing the environment may help.
  StoreUnavailable: 'store_unavailable',
  StoreLocked: 'store_locked',
  PortUnavailable: 'port_unavailable',
  SlackUnreachable: 'slack_unreachable',
  SlackRateLimited: 'slack_rate_limited',
  DemoStartFailed: 'demo_start_failed',
  DemoDataInvalid: 'demo_data_invalid',
  BotIdentityFailed: 'bot_identity_failed',
  PublishInProgress: 'publish_in_progress',
  PageRetryable: 'page_retryable',
  PageRejected: 'page_rejected',
  AuditContention: 'audit_contention',
  DispatchFailed: 'dispatch_failed',
  InvokeRejected: 'invoke_rejected',
  NoDetector: 'no_detector',
  UnknownDetector: 'unknown_detector',
  BadNextToken: 'bad_next_token',
  // Remediation outcomes the worker reports in words.
  RemediationRefused: 'remediation_refused',
  AlreadyInState: 'already_in_state',
  TargetNotFound: 'target_not_found',
  AwsCallFailed: 'aws_call_failed',
  AwsCallUnsupported: 'aws_call_unsupported',
  AwsRegionMissing: 'aws_region_missing',
  NoAwsGateway: 'no_aws_gateway',
  MemberRoleUnavailable: 'member_role_unavailable',
  SageMakerTrainingFailed: 'sagemaker_training_failed',
  AthenaQueryFailed: 'athena_query_failed',
  FindingRecordsReadOnly: 'finding_records_read_only',
  ListQuotaExceeded: 'list_quota_exceeded',
  ListContention: 'list_contention',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export abstract class CodedError extends Error {
  abstract readonly code: ErrorCode;
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError;
}

/** An error's message for a log line or a reply, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
