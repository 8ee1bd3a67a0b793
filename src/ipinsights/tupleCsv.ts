import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CodedError, ErrorCode } from '../shared/errors';

/** Bad input with the place it was found: `file:line: what`. */
export class MalformedInputError extends CodedError {
  override readonly name = 'MalformedInputError';
  readonly code = ErrorCode.InputMalformed;
}

export interface CsvTuple {
  readonly line: number;
  readonly entity: string;
  readonly ip: string;
}

const SHOWN_CHARACTERS = 60;
/** Exactly two fields, each bare (no comma or quote) or double-quoted with "" escapes. */
const TWO_FIELDS = /^\s*("(?:[^"]|"")*"|[^,"]*),\s*("(?:[^"]|"")*"|[^,"]*)\s*$/;

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).replaceAll('""', '"')
    : trimmed;
}

function shown(line: string): string {
  return line.length > SHOWN_CHARACTERS ? `${line.slice(0, SHOWN_CHARACTERS)}…` : line;
}

/** The common case (one comma, no quotes) without the regex: this is on the scoring hot path. */
function splitTwoFields(text: string): { entity: string; ip: string } {
  const comma = text.indexOf(',');
  if (comma > 0 && text.indexOf(',', comma + 1) < 0 && !text.includes('"')) {
    return { entity: text.slice(0, comma).trim(), ip: text.slice(comma + 1).trim() };
  }
  const fields = TWO_FIELDS.exec(text);
  return { entity: unquote(fields?.[1] ?? ''), ip: unquote(fields?.[2] ?? '') };
}

/**
 * `entity,ip` lines, as SageMaker IP Insights takes them (spaces after the comma allowed, blank
 * lines and an `entity,ip` header skipped). A line that is not two non-empty fields throws
 * MalformedInputError naming the source and line; IP validity is the caller's decision.
 */
export async function* readTupleCsv(input: Readable, source: string): AsyncIterable<CsvTuple> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const { entity, ip } = splitTwoFields(text);
    if (entity === '' || ip === '') {
      throw new MalformedInputError(
        `${source}:${line}: expected "entity,ip", got "${shown(text)}"`,
      );
    }
    if (line === 1 && entity.toLowerCase() === 'entity' && ip.toLowerCase() === 'ip') continue;
    yield { line, entity, ip };
  }
}
