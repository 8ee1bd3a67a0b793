import type { Finding as SdkFinding } from '@aws-sdk/client-guardduty';
import { findingFromSdk } from '../aws/sdkFinding';
import { FindingValidationError, parseFindingInput, type ParsedFinding } from '../findings';

/**
 * The finding files `post` reads, in every shape they come in:
 * - one finding or EventBridge "GuardDuty Finding" event, or an array of them (camelCase);
 * - `{"findings": [...]}`, a list of those;
 * - `aws guardduty get-findings` output, `{"Findings": [...]}` with the SDK's PascalCase
 *   members (`Service.Action.AwsApiCallAction…`), converted by the SDK's own schema;
 * - JSON lines: one finding or event per line, as event archives and log exports write them.
 * A file that is none of these is refused with what it looks like.
 */

type Shape = 'get-findings' | 'findings' | 'array' | 'single' | 'json-lines';

const SHAPE_NAMES: Readonly<Record<Shape, string>> = {
  'get-findings': '`aws guardduty get-findings` output (PascalCase)',
  findings: 'a {"findings": [...]} list',
  array: 'an array of findings or events',
  single: 'a finding or EventBridge event',
  'json-lines': 'JSON lines of findings or events',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const hasAny = (value: Record<string, unknown>, keys: readonly string[]) =>
  keys.some((key) => key in value);

/** A finding as the wire and EventBridge carry it: camelCase members. */
function isWireShaped(value: Record<string, unknown>): boolean {
  return hasAny(value, ['id', 'type', 'schemaVersion', 'accountId', 'service']);
}

/** A finding as the SDK and the AWS CLI print it: PascalCase members. */
function isSdkShaped(value: Record<string, unknown>): boolean {
  return !isWireShaped(value) && hasAny(value, ['Id', 'Type', 'SchemaVersion', 'AccountId']);
}

/** An EventBridge envelope around a finding. */
function isEvent(value: Record<string, unknown>): boolean {
  return hasAny(value, ['detail', 'source', 'detail-type']);
}

function parseItem(item: unknown): ParsedFinding {
  if (isRecord(item) && isSdkShaped(item)) {
    // Untyped JSON is fine here: the converter walks the SDK's schema and reads only its members,
    // and our schema then checks the result.
    return { finding: findingFromSdk(item as unknown as SdkFinding) };
  }
  return parseFindingInput(item);
}

/** Parses each item; a bad one is refused with the shape the file was read as and where. */
function parseItems(items: readonly unknown[], shape: Shape, label: (i: number) => string) {
  return items.map((item, index) => {
    try {
      return parseItem(item);
    } catch (error) {
      if (!(error instanceof FindingValidationError)) throw error;
      const where = label(index);
      throw new FindingValidationError(
        `read as ${SHAPE_NAMES[shape]}${where === '' ? '' : `, ${where}`}: ${error.message}`,
        error.issues,
      );
    }
  });
}

/** What a JSON value that is no finding file looks like, for the refusal. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isRecord(value)) {
    const keys = Object.keys(value).slice(0, 6);
    return keys.length === 0 ? 'an empty object' : `an object with ${keys.join(', ')}`;
  }
  return value === null ? 'null' : `a ${typeof value}`;
}

function fromJson(value: unknown): ParsedFinding[] {
  if (Array.isArray(value)) return parseItems(value, 'array', (i) => `item [${i}]`);
  if (isRecord(value)) {
    if (Array.isArray(value.Findings)) {
      return parseItems(value.Findings, 'get-findings', (i) => `Findings[${i}]`);
    }
    if (Array.isArray(value.findings)) {
      return parseItems(value.findings, 'findings', (i) => `findings[${i}]`);
    }
    if (isSdkShaped(value) || isWireShaped(value) || isEvent(value)) {
      return parseItems([value], 'single', () => '');
    }
  }
  throw new FindingValidationError(
    `${describe(value)}: not a GuardDuty finding, an EventBridge event, a list of them, {"findings": [...]} or \`aws guardduty get-findings\` output ({"Findings": [...]})`,
  );
}

/** Several JSON values, one per line; undefined when the text is not JSON lines. */
function jsonLines(text: string): { line: number; value: unknown }[] | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((content, index) => ({ content: content.trim(), line: index + 1 }))
    .filter((entry) => entry.content !== '');
  if (lines.length < 2) return undefined;
  const values: { line: number; value: unknown }[] = [];
  for (const { content, line } of lines) {
    try {
      values.push({ line, value: JSON.parse(content) as unknown });
    } catch {
      return undefined;
    }
  }
  return values;
}

/** The findings of one file's text; throws FindingValidationError saying what is wrong. */
export function parseFindingFile(text: string): ParsedFinding[] {
  const trimmed = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    const lines = jsonLines(trimmed);
    if (lines === undefined) {
      throw new FindingValidationError(
        `not JSON, nor JSON lines (one finding or event per line): ${(error as Error).message}`,
      );
    }
    return lines.flatMap(({ line, value: item }) =>
      parseItems([item], 'json-lines', () => `line ${line}`),
    );
  }
  return fromJson(value);
}
