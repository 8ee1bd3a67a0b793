import type { JsonObject, JsonValue } from '../audit/record';

/**
 * The AWS side as the remediation layer sees it: calls described as data (service, command name
 * as in the SDK, the exact input), so one plan can be shown in a dry run, executed live, and
 * written to the audit log unchanged. `src/aws/` turns each into its SDK command.
 */

/** `lists`: the account's IP list files (S3 objects, read-modify-write), through `IpListStore`. */
export type AwsService = 'guardduty' | 'iam' | 'ec2' | 'lists';

/** A value a later call takes from an earlier call's output (e.g. a security group just created). */
export interface Ref {
  readonly ref: string;
}

export interface AwsCall {
  readonly service: AwsService;
  /** The SDK command without "Command": `ArchiveFindings`. */
  readonly command: string;
  /** Regional services (GuardDuty, EC2): the finding's region. */
  readonly region?: string;
  /**
   * The member account the call acts in, as the member role; absent = the stack's own account
   * and credentials (GuardDuty's archive and filters always: only the administrator may).
   */
  readonly account?: string;
  readonly input: JsonObject;
  /** Output fields later calls refer to: ref name → output member (a dotted path: `Policy.Arn`). */
  readonly captures?: Readonly<Record<string, string>>;
  /** Said next to the call in the plan ("only if the group does not exist yet"). */
  readonly note?: string;
}

export interface AwsCallResult {
  readonly requestId?: string;
  readonly output: Readonly<Record<string, unknown>>;
}

/** Executes one call. Implemented over the SDK clients in `src/aws/`. */
export interface AwsGateway {
  call(call: AwsCall): Promise<AwsCallResult>;
}

/** The error shape the SDK throws (ServiceException), read without importing the SDK. */
export interface AwsErrorLike {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: { readonly requestId?: string; readonly attempts?: number };
}

export function isAwsError(error: unknown): error is AwsErrorLike {
  return (
    error instanceof Error &&
    typeof (error as { $metadata?: unknown }).$metadata === 'object' &&
    (error as { $metadata?: unknown }).$metadata !== null
  );
}

export function ref(name: string): Ref & JsonObject {
  return { ref: name };
}

function isRef(value: JsonValue): value is Ref & JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { ref?: unknown }).ref === 'string'
  );
}

/** Replaces refs by captured values; an unknown ref is a bug in a plan. */
export function resolveRefs(value: JsonValue, captured: ReadonlyMap<string, string>): JsonValue {
  if (isRef(value)) {
    const found = captured.get(value.ref);
    if (found === undefined) throw new Error(`plan refers to ${value.ref} before any call set it`);
    return found;
  }
  if (Array.isArray(value)) {
    return (value as readonly JsonValue[]).map((item) => resolveRefs(item, captured));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveRefs(item, captured)]),
    );
  }
  return value;
}
