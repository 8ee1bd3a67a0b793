import { CodedError, ErrorCode } from '../shared/errors';

/**
 * (principal, IP) pairs of an organization trail, extracted by Athena instead of one process
 * reading every file: a CTAS query over the trail's table (the CloudTrail table AWS documents)
 * writes `entity,ip` text to S3, partitioned by day, ready for `train --sagemaker --tuples`.
 * The query applies the same rules as the file reader: role sessions become their role, AWS
 * service and "AWS Internal" callers are skipped, and only dotted quads without leading zeros
 * are kept.
 */

export class AthenaQueryError extends CodedError {
  override readonly name = 'AthenaQueryError';
  readonly code = ErrorCode.AthenaQueryFailed;
}

export class AthenaSetupError extends CodedError {
  override readonly name = 'AthenaSetupError';
  readonly code = ErrorCode.AthenaQueryInvalid;
}

export interface TuplesQueryOptions {
  readonly database: string;
  /** The trail's table (with `useridentity`, `sourceipaddress`, `eventtime`). */
  readonly table: string;
  /** The new table the CTAS creates (and names the output). */
  readonly targetTable: string;
  /** `s3://…/` the CTAS writes to; it must be empty. */
  readonly outputLocation: string;
  /** First and last day, `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  readonly to: string;
  /**
   * The table's date partition column (`timestamp` with partition projection as
   * `yyyy/MM/dd`), so Athena reads only the days asked for instead of the whole trail.
   */
  readonly partitionColumn?: string;
  /**
   * Only one side of a deterministic split by a hash of the (entity, IP) pair: every event of a
   * pair falls on the same side, so the held-out pairs are pairs the model never saw.
   */
  readonly slice?: 'train' | 'held-out';
  /**
   * Plain text instead of Athena's default gzip for TEXTFILE: a SageMaker channel without a
   * CompressionType reads its objects as they are.
   */
  readonly uncompressed?: boolean;
}

/** 1 in 10 pairs is held out: xxhash64 of `entity,ip`, its low 10 bits below 103 (of 1,024). */
const HELD_OUT_BELOW = 103;
const ENTITY =
  "CASE WHEN useridentity.principalid LIKE 'AROA%:%' THEN split_part(useridentity.principalid, ':', 1) ELSE useridentity.principalid END";
const PAIR_BUCKET = `bitwise_and(from_big_endian_64(xxhash64(to_utf8(${ENTITY} || ',' || sourceipaddress))), 1023)`;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const S3_PREFIX = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^'\\]*)?\/$/;
/** A dotted quad of 0-255 octets without leading zeros (the reader's rule, ip.ts). */
const DOTTED_QUAD =
  '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])([.](25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$';

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new AthenaSetupError(`${what} "${name}" is not an Athena name`);
  return `"${name}"`;
}

function day(value: string, what: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new AthenaSetupError(`${what} "${value}" is not a YYYY-MM-DD day`);
  }
  return value;
}

/** The CTAS statement; every name and date is checked, so nothing given can change the SQL. */
export function tuplesQuery(options: TuplesQueryOptions): string {
  const database = identifier(options.database, 'database');
  const table = identifier(options.table, 'table');
  const target = identifier(options.targetTable, 'target table');
  const from = day(options.from, '--from');
  const to = day(options.to, '--to');
  if (from > to) throw new AthenaSetupError(`--from ${from} is after --to ${to}`);
  if (!S3_PREFIX.test(options.outputLocation)) {
    throw new AthenaSetupError(`--out ${options.outputLocation} is not an s3://bucket/prefix/`);
  }
  const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const partition =
    options.partitionColumn === undefined
      ? []
      : [
          `  AND ${identifier(options.partitionColumn, 'partition column')} BETWEEN '${from.replaceAll('-', '/')}' AND '${to.replaceAll('-', '/')}'`,
        ];
  return [
    `CREATE TABLE ${database}.${target}`,
    `WITH (format = 'TEXTFILE', field_delimiter = ',', ${options.uncompressed === true ? "write_compression = 'NONE', " : ''}external_location = '${options.outputLocation}', partitioned_by = ARRAY['day'])`,
    'AS SELECT',
    "  CASE WHEN useridentity.principalid LIKE 'AROA%:%'",
    "    THEN split_part(useridentity.principalid, ':', 1) ELSE useridentity.principalid END AS entity,",
    '  sourceipaddress AS ip,',
    '  substr(eventtime, 1, 10) AS day',
    `FROM ${database}.${table}`,
    `WHERE eventtime >= '${from}T00:00:00Z' AND eventtime < '${next}T00:00:00Z'`,
    ...partition,
    "  AND useridentity.principalid IS NOT NULL AND useridentity.principalid <> ''",
    "  AND coalesce(useridentity.type, '') <> 'AWSService'",
    "  AND sourceipaddress NOT LIKE '%.amazonaws.com' AND sourceipaddress <> 'AWS Internal'",
    `  AND regexp_like(sourceipaddress, '${DOTTED_QUAD}')`,
    ...(options.slice === undefined
      ? []
      : [
          `  AND ${PAIR_BUCKET} ${options.slice === 'held-out' ? '<' : '>='} ${String(HELD_OUT_BELOW)}`,
        ]),
  ].join('\n');
}

export interface QueryRequest {
  readonly query: string;
  readonly database: string;
  readonly workGroup: string;
  /** Where Athena writes the query's own result metadata (the workgroup's when absent). */
  readonly resultsLocation?: string;
}

export type QueryState =
  | { readonly state: 'QUEUED' | 'RUNNING' }
  | { readonly state: 'SUCCEEDED'; readonly scannedBytes: number }
  | { readonly state: 'FAILED' | 'CANCELLED'; readonly reason: string };

/** Athena, as much as one query needs (src/aws/ implements it). */
export interface QueryRunner {
  start(request: QueryRequest): Promise<string>;
  state(queryId: string): Promise<QueryState>;
}

export interface AthenaRunDeps {
  readonly runner: QueryRunner;
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollMs?: number;
}

/** Runs the CTAS and waits for it; the error names the query and Athena's reason. */
export async function extractTuplesWithAthena(
  options: TuplesQueryOptions & { readonly workGroup: string; readonly resultsLocation?: string },
  deps: AthenaRunDeps,
): Promise<{ readonly queryId: string; readonly scannedBytes: number }> {
  const query = tuplesQuery(options);
  const queryId = await deps.runner.start({
    query,
    database: options.database,
    workGroup: options.workGroup,
    ...(options.resultsLocation === undefined ? {} : { resultsLocation: options.resultsLocation }),
  });
  for (;;) {
    const state = await deps.runner.state(queryId);
    if (state.state === 'SUCCEEDED') return { queryId, scannedBytes: state.scannedBytes };
    if (state.state === 'FAILED' || state.state === 'CANCELLED') {
      throw new AthenaQueryError(
        `Athena query ${queryId} ${state.state.toLowerCase()}: ${state.reason}`,
      );
    }
    await deps.sleep(deps.pollMs ?? 5_000);
  }
}
