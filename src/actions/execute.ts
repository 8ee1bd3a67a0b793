import type { CallRecord, JsonObject } from './audit/record';
import { resolveRefs, type AwsCall, type AwsCallResult, type AwsGateway } from './ports/awsGateway';
import { CallFailedError } from './errors';
import type { ExecutedCall, Execution } from './plans';

export interface ExecutionResult {
  readonly execution: Execution;
  /** Set when a call failed; the calls before it are in `execution.executed`. */
  readonly failure?: CallFailedError;
}

/** Runs planned calls in order, feeding captured outputs to later calls; stops at the first failure. */
export async function executeCalls(
  calls: readonly AwsCall[],
  gateway: AwsGateway,
): Promise<ExecutionResult> {
  const captured = new Map<string, string>();
  const executed: ExecutedCall[] = [];
  for (const planned of calls) {
    const call: AwsCall = { ...planned, input: resolveRefs(planned.input, captured) as JsonObject };
    let result: AwsCallResult;
    try {
      result = await gateway.call(call);
    } catch (error) {
      return {
        execution: { executed, complete: false, dryRun: false },
        failure: new CallFailedError(call, error),
      };
    }
    executed.push({ call, result });
    for (const [name, path] of Object.entries(planned.captures ?? {})) {
      const value = outputField(result.output, path);
      if (typeof value === 'string') captured.set(name, value);
    }
  }
  return { execution: { executed, complete: true, dryRun: false } };
}

/** An output member by its dotted path (`GroupId`, `Policy.Arn`). */
function outputField(output: Readonly<Record<string, unknown>>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined,
      output,
    );
}

/** A call as the audit log and the thread show it. */
export function callRecord(call: AwsCall, requestId?: string): CallRecord {
  return {
    service: call.service,
    command: call.command,
    ...(call.region === undefined ? {} : { region: call.region }),
    input: call.input,
    ...(requestId === undefined ? {} : { requestId }),
    ...(call.note === undefined ? {} : { note: call.note }),
  };
}
