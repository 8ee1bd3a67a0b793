import { Finding$, type Finding as SdkFinding } from '@aws-sdk/client-guardduty';
import { NormalizedSchema } from '@smithy/core/schema';
import { parseFindingInput } from '../findings/parse';
import type { Finding } from '../findings/schema';

/**
 * GuardDuty's `GetFindings` through the SDK v3 gives findings with PascalCase members
 * (`Service.Action.AwsApiCallAction.RemoteIpDetails`); EventBridge and the wire give camelCase
 * (`service.action.awsApiCallAction.remoteIpDetails`), which is what our schema parses.
 *
 * The renaming is not mechanical: some wire names differ from the member name (`ProductCodes[].Code`
 * is `productCodeId`, `SourceIps` is `sourceIPs`), some members have no wire rename at all
 * (`LoginAttributes`), and map keys are data (`affectedResources`, anomaly `profiles`) that must
 * stay as they are. So the conversion walks the SDK's own schema of `Finding` — the same one its
 * JSON protocol uses — and writes each member under its `jsonName`.
 */

export type WireJson = string | number | boolean | null | WireJson[] | { [key: string]: WireJson };

// Smithy schema ids of the timestamp formats (the default on a REST-JSON body is epoch seconds).
const DATE_TIME = 5;
const HTTP_DATE = 6;

function timestamp(value: unknown, schema: NormalizedSchema): WireJson | undefined {
  const date = value instanceof Date ? value : new Date(value as string | number);
  if (Number.isNaN(date.getTime())) return undefined;
  const format = schema.getSchema();
  if (format === DATE_TIME) return date.toISOString();
  if (format === HTTP_DATE) return date.toUTCString();
  return date.getTime() / 1000;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plainJson(value: unknown): WireJson | undefined {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as WireJson;
}

function toWire(value: unknown, schema: NormalizedSchema): WireJson | undefined {
  if (value === undefined || value === null) return undefined;
  if (schema.isStructSchema() || schema.isUnionSchema()) {
    if (!isRecord(value)) return undefined;
    const out: Record<string, WireJson> = {};
    for (const [member, memberSchema] of schema.structIterator()) {
      const converted = toWire(value[member], memberSchema);
      if (converted === undefined) continue;
      const jsonName = memberSchema.getMergedTraits().jsonName;
      out[typeof jsonName === 'string' ? jsonName : member] = converted;
    }
    return out;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return undefined;
    const item = schema.getValueSchema();
    return value
      .map((entry) => toWire(entry, item))
      .filter((entry): entry is WireJson => entry !== undefined);
  }
  if (schema.isMapSchema()) {
    if (!isRecord(value)) return undefined;
    const item = schema.getValueSchema();
    const out: Record<string, WireJson> = {};
    // Map keys are data (resource ARNs, profile names): never renamed.
    for (const [key, entry] of Object.entries(value)) {
      const converted = toWire(entry, item);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  }
  if (schema.isTimestampSchema()) return timestamp(value, schema);
  if (schema.isBlobSchema() && value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  if (schema.isDocumentSchema()) return plainJson(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return plainJson(value);
}

const FINDING_SCHEMA = NormalizedSchema.of(Finding$);

/** The finding as EventBridge and the GuardDuty wire format carry it (camelCase, epoch seconds). */
export function wireFindingFromSdk(finding: SdkFinding): Record<string, WireJson> {
  const wire = toWire(finding, FINDING_SCHEMA);
  return isRecord(wire) ? wire : {};
}

/** An SDK finding checked by our schema; throws FindingValidationError naming the bad field. */
export function findingFromSdk(finding: SdkFinding): Finding {
  return parseFindingInput(wireFindingFromSdk(finding)).finding;
}
