import type { JsonObject, JsonValue } from '../types';

/** Narrow readers for Block Kit JSON: the page renders what it understands and skips the rest. */

export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

export function asString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asObjects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value)
    ? value.filter((item): item is JsonObject => asObject(item) !== undefined)
    : [];
}

/** The text of a text object (`{type, text}`), or '' when there is none. */
export function textOf(value: JsonValue | undefined): string {
  return asString(asObject(value)?.text) ?? '';
}
