import { Finding$, type Finding as SdkFinding } from '@aws-sdk/client-guardduty';
import { NormalizedSchema } from '@smithy/core/schema';
import { rawFinding } from './fixtures';

/**
 * The SDK v3 shape of a wire-form finding, as GetFindings through the SDK returns it: the inverse
 * of `wireFindingFromSdk`, for feeding `aws-sdk-client-mock` with fixtures. Checked against the
 * SDK's own deserialiser in test/findings/sdkFinding.test.ts.
 */
function fromWire(value: unknown, schema: NormalizedSchema): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema.isStructSchema()) {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [member, memberSchema] of schema.structIterator()) {
      const jsonName = memberSchema.getMergedTraits().jsonName;
      const converted = fromWire(
        record[typeof jsonName === 'string' ? jsonName : member],
        memberSchema,
      );
      if (converted !== undefined) out[member] = converted;
    }
    return out;
  }
  if (schema.isListSchema()) {
    return Array.isArray(value)
      ? value.map((v) => fromWire(v, schema.getValueSchema()))
      : undefined;
  }
  if (schema.isMapSchema()) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        fromWire(v, schema.getValueSchema()),
      ]),
    );
  }
  if (schema.isTimestampSchema()) {
    return typeof value === 'number' ? new Date(value * 1000) : new Date(value as string);
  }
  return value;
}

export function sdkFindingFromWire(wire: Record<string, unknown>): SdkFinding {
  return fromWire(wire, NormalizedSchema.of(Finding$)) as SdkFinding;
}

/** A fixture as the SDK would return it from GetFindings, optionally edited in wire form first. */
export function sdkFixture(
  name: string,
  edit: (wire: Record<string, unknown>) => void = () => undefined,
): SdkFinding {
  const wire = rawFinding(name);
  edit(wire);
  return sdkFindingFromWire(wire);
}
