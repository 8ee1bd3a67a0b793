import { parseArgs } from 'node:util';
import {
  extractTuplesWithAthena,
  type QueryRunner,
  type TuplesQueryOptions,
} from '../ipinsights/athenaTuples';
import { asksForHelp } from './args';
import { ExitCode } from './exitCodes';
import { UsageError, type CliCommand } from './io';
import { argumentError } from './score';

const TUPLES_USAGE =
  'usage: tuples --athena --database DB --table TRAIL_TABLE --out s3://bucket/prefix/ [--days 30 | --from YYYY-MM-DD] [--to YYYY-MM-DD] [--partition-column timestamp] [--workgroup primary] [--results s3://…/] [--target-table NAME] [--region R]';

export interface TuplesCommandDeps {
  readonly athena: (region: string) => Promise<QueryRunner>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/** Athena's price per terabyte scanned (us-east-1, the public price list), for the summary. */
const DOLLARS_PER_TB = 5;
const DAY_MS = 86_400_000;

/**
 * `tuples --athena`: the (principal, IP) pairs of an organization trail's Athena table, by one
 * CTAS query that writes `entity,ip` text to S3 partitioned by day, instead of one process
 * reading every log file. Prints the next command: `train --sagemaker --tuples s3://…`.
 */
export function createTuplesCommand(deps: TuplesCommandDeps): CliCommand {
  return async (args, io) => {
    if (asksForHelp(args)) {
      io.stdout.write(`${TUPLES_USAGE}\n`);
      return ExitCode.ok;
    }
    const values = parse(args);
    if (values.athena !== true) throw new UsageError(`give --athena (${TUPLES_USAGE})`);
    const need = (name: 'database' | 'table' | 'out'): string => {
      const value = values[name];
      if (value === undefined || value === '') {
        throw new UsageError(`missing --${name} (${TUPLES_USAGE})`);
      }
      return value;
    };
    const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    if (region === undefined) throw new UsageError('--athena needs --region or AWS_REGION');
    const today = deps.now().toISOString().slice(0, 10);
    const to = values.to ?? today;
    const days = Number(values.days ?? 30);
    if (!Number.isInteger(days) || days < 1 || days > 3660) {
      throw new UsageError('--days: a whole number of days, 1 to 3660');
    }
    const from =
      values.from ??
      new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
    const out = need('out');
    const query: TuplesQueryOptions = {
      database: need('database'),
      table: need('table'),
      targetTable: values['target-table'] ?? `ipinsights_tuples_${today.replaceAll('-', '')}`,
      outputLocation: out,
      from,
      to,
      // `train --sagemaker --tuples` hands these files to a channel that names no compression.
      uncompressed: true,
      ...(values['partition-column'] === undefined
        ? {}
        : { partitionColumn: values['partition-column'] }),
    };
    const result = await extractTuplesWithAthena(
      {
        ...query,
        workGroup: values.workgroup ?? 'primary',
        ...(values.results === undefined ? {} : { resultsLocation: values.results }),
      },
      { runner: await deps.athena(region), sleep: deps.sleep },
    );
    const terabytes = result.scannedBytes / 1e12;
    io.stdout.write(
      [
        `query         ${result.queryId} succeeded (${from} to ${to})`,
        `scanned       ${(result.scannedBytes / 1e9).toFixed(2)} GB, about $${(terabytes * DOLLARS_PER_TB).toFixed(2)} at $${DOLLARS_PER_TB}/TB`,
        `tuples        ${out} (entity,ip text, one folder per day)`,
        `next          train --sagemaker --tuples ${out} --num_entity_vectors N --role-arn … --data ${out}`,
        '',
      ].join('\n'),
    );
    return ExitCode.ok;
  };
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        athena: { type: 'boolean' },
        database: { type: 'string' },
        table: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        days: { type: 'string' },
        'partition-column': { type: 'string' },
        workgroup: { type: 'string' },
        results: { type: 'string' },
        'target-table': { type: 'string' },
        region: { type: 'string' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw argumentError(error, TUPLES_USAGE);
  }
}

export const tuples: CliCommand = createTuplesCommand({
  athena: async (region) => (await import('../app/sageMaker')).athenaQueries(region),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  now: () => new Date(),
});
