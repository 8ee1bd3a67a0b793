import type { CallRecord, JsonObject } from './audit/record';
import { CallFailedError } from './errors';
import type { ExecutedCall, Execution } from './plans';
import { resolveRefs, type AwsCall, type AwsCallResult, type AwsGateway } from './ports/awsGateway';

export interface ExecutionResult {
  readonly execution: Execution;
  /** Set when a call failed; the calls before it are in `execution.executed`. */
  readonly failure?: CallFailedError;
}

/** Told about each call as it goes, so the run can be saved before and after it. */
export interface ExecutionHooks {
  beforeCall?(call: AwsCall): Promise<void>;
  afterCall?(executed: ExecutedCall): Promise<void>;
}

/**
 * Runs planned calls in order, feeding captured outputs to later calls; stops at the first
 * failure. `done` are calls an earlier attempt already made (a resumed run): they are not made
 * again, only their captured outputs are fed on.
 */
export async function executeCalls(
  calls: readonly AwsCall[],
  gateway: AwsGateway,
  hooks: ExecutionHooks = {},
  done: readonly ExecutedCall[] = [],
): Promise<ExecutionResult> {
  const captured = new Map<string, string>();
  const executed: ExecutedCall[] = [];
  const capture = (planned: AwsCall, output: Readonly<Record<string, unknown>>) => {
    for (const [name, path] of Object.entries(planned.captures ?? {})) {
      const value = outputField(output, path);
      if (typeof value === 'string') captured.set(name, value);
    }
  };
  for (const [index, planned] of calls.entries()) {
    const earlier = done[index];
    if (earlier !== undefined) {
      executed.push(earlier);
      capture(planned, earlier.result.output);
      continue;
    }
    const call: AwsCall = { ...planned, input: resolveRefs(planned.input, captured) as JsonObject };
    await hooks.beforeCall?.(call);
    let result: AwsCallResult;
    try {
      result = await gateway.call(call);
    } catch (error) {
      return {
        execution: { executed, complete: false, dryRun: false },
        failure: new CallFailedError(call, error),
      };
    }
    const made = { call, result };
    executed.push(made);
    await hooks.afterCall?.(made);
    capture(planned, result.output);
  }
  return { execution: { executed, complete: true, dryRun: false } };
}

/**
 * An output member by its dotted path (`GroupId`, `Policy.Arn`); a saved run keeps captured
 * values under their path as one key, which is read first.
 */
export function outputField(output: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(output, path)) return output[path];
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
    ...(call.account === undefined ? {} : { account: call.account }),
    input: call.input,
    ...(requestId === undefined ? {} : { requestId }),
    ...(call.note === undefined ? {} : { note: call.note }),
  };
}

/** A call's record back as a call (a resumed run's saved calls). */
export function callOf(record: CallRecord): AwsCall {
  return {
    service: record.service as AwsCall['service'],
    command: record.command,
    ...(record.region === undefined ? {} : { region: record.region }),
    ...(record.account === undefined ? {} : { account: record.account }),
    input: record.input,
    ...(record.note === undefined ? {} : { note: record.note }),
  };
}
