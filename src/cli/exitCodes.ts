import { ErrorCode, isCodedError } from '../shared/errors';

/** Exit codes of the contract: 0 ok, 1 runtime failure, 2 bad usage or bad input. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Errors the person at the keyboard can fix by changing the command or its input. */
const BAD_USAGE_OR_INPUT: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.Usage,
  ErrorCode.ConfigInvalid,
  ErrorCode.FindingInvalid,
  ErrorCode.InputMalformed,
  ErrorCode.HyperparameterInvalid,
  ErrorCode.ObjectLocationInvalid,
  ErrorCode.ObjectNotFound,
  ErrorCode.ModelNotFound,
  ErrorCode.ModelFormatInvalid,
  ErrorCode.ModelDestinationInvalid,
  ErrorCode.CloudTrailInputInvalid,
  ErrorCode.TrainingSetEmpty,
  ErrorCode.ScorerConfigInvalid,
  ErrorCode.CommandArgumentInvalid,
  ErrorCode.SageMakerSetupInvalid,
  ErrorCode.AthenaQueryInvalid,
  ErrorCode.AwsRegionMissing,
  ErrorCode.RoutesInvalid,
  ErrorCode.AccountsInvalid,
  ErrorCode.StoreNotFound,
]);

/** The exit code for an error that ended a command: by its code, never by its message. */
export function exitCodeFor(error: unknown): ExitCode {
  return isCodedError(error) && BAD_USAGE_OR_INPUT.has(error.code)
    ? ExitCode.usage
    : ExitCode.failure;
}
