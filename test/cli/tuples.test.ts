import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaQueries } from '../../src/aws/athenaQueries';
import { createTuplesCommand } from '../../src/cli/tuples';
import { memoryIo, tempDir } from '../ipinsights/support';

const athena = mockClient(AthenaClient);
beforeEach(() => athena.reset());

const clients: AthenaClient[] = [];
const tuples = createTuplesCommand({
  athena: (region) => {
    const client = new AthenaClient({ region });
    clients.push(client);
    return Promise.resolve(new AthenaQueries(client));
  },
  sleep: () => Promise.resolve(),
  now: () => new Date('2026-11-25T08:00:00Z'),
});

const ARGS = [
  '--athena',
  '--database',
  'security',
  '--table',
  'org_trail',
  '--out',
  's3://org-tuples/2026-11/',
  '--partition-column',
  'timestamp',
  '--region',
  'us-east-1',
];

const EXPECTED_QUERY = [
  'CREATE TABLE "security"."ipinsights_tuples_20261125"',
  "WITH (format = 'TEXTFILE', field_delimiter = ',', write_compression = 'NONE', external_location = 's3://org-tuples/2026-11/', partitioned_by = ARRAY['day'])",
  'AS SELECT',
  "  CASE WHEN useridentity.principalid LIKE 'AROA%:%'",
  "    THEN split_part(useridentity.principalid, ':', 1) ELSE useridentity.principalid END AS entity,",
  '  sourceipaddress AS ip,',
  '  substr(eventtime, 1, 10) AS day',
  'FROM "security"."org_trail"',
  "WHERE eventtime >= '2026-10-27T00:00:00Z' AND eventtime < '2026-11-26T00:00:00Z'",
  `  AND "timestamp" BETWEEN '2026/10/27' AND '2026/11/25'`,
  "  AND useridentity.principalid IS NOT NULL AND useridentity.principalid <> ''",
  "  AND coalesce(useridentity.type, '') <> 'AWSService'",
  "  AND sourceipaddress NOT LIKE '%.amazonaws.com' AND sourceipaddress <> 'AWS Internal'",
  "  AND regexp_like(sourceipaddress, '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])([.](25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$')",
].join('\n');

describe('tuples --athena', () => {
  it('runs one CTAS over the last 30 days, partitioned by day, and waits for it', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: {
          Status: { State: 'SUCCEEDED' },
          Statistics: { DataScannedInBytes: 250_000_000_000 },
        },
      });
    const io = memoryIo({ cwd: await tempDir() });
    await expect(tuples(ARGS, io)).resolves.toBe(0);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueryString: EXPECTED_QUERY,
        QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'security' },
        WorkGroup: 'primary',
      },
    ]);
    expect(athena.commandCalls(GetQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1' },
      { QueryExecutionId: 'q-1' },
    ]);
    await expect(clients.at(-1)?.config.region()).resolves.toBe('us-east-1');
    expect(io.out().split('\n')).toEqual([
      'query         q-1 succeeded (2026-10-27 to 2026-11-25)',
      'scanned       250.00 GB, about $1.25 at $5/TB',
      'tuples        s3://org-tuples/2026-11/ (entity,ip text, one folder per day)',
      'next          train --sagemaker --tuples s3://org-tuples/2026-11/ --num_entity_vectors N --role-arn … --data s3://org-tuples/2026-11/',
      '',
    ]);
  });

  it('passes the workgroup and the results location asked for', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: {} } });
    const args = [...ARGS, '--workgroup', 'security', '--results', 's3://athena-results/ipi/'];
    await expect(tuples(args, memoryIo({ cwd: await tempDir() }))).resolves.toBe(0);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toMatchObject({
      WorkGroup: 'security',
      ResultConfiguration: { OutputLocation: 's3://athena-results/ipi/' },
    });
  });

  it("fails with Athena's reason when the query fails", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason:
            'TABLE_NOT_FOUND: line 8:6: Table awsdatacatalog.security.org_trail does not exist',
        },
      },
    });
    await expect(
      tuples(ARGS, memoryIo({ cwd: await tempDir() })).catch((e: unknown) => (e as Error).message),
    ).resolves.toBe(
      'Athena query q-3 failed: TABLE_NOT_FOUND: line 8:6: Table awsdatacatalog.security.org_trail does not exist',
    );
  });

  it.each([
    [['--table', 'x"; DROP TABLE y; --'], 'table "x"; DROP TABLE y; --" is not an Athena name'],
    [['--from', '2026-13-40'], '--from "2026-13-40" is not a YYYY-MM-DD day'],
    [['--out', "s3://b/x'/"], 'is not an s3://bucket/prefix/'],
  ])('refuses %j before any call', async (extra, message) => {
    const error = await tuples([...ARGS, ...extra], memoryIo({ cwd: await tempDir() })).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(message);
    expect(athena.calls()).toHaveLength(0);
  });
});
