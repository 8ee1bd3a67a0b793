import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { QueryRequest, QueryRunner, QueryState } from '../ipinsights/athenaTuples';

/**
 * Athena for `tuples --athena`. The caller needs `athena:StartQueryExecution`,
 * `athena:GetQueryExecution`, Glue `GetDatabase`/`GetTable`/`CreateTable` on the databases,
 * read on the trail bucket and write on the output prefix.
 */
export class AthenaQueries implements QueryRunner {
  constructor(private readonly client: AthenaClient) {}

  static inRegion(region: string): AthenaQueries {
    return new AthenaQueries(new AthenaClient({ region }));
  }

  async start(request: QueryRequest): Promise<string> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: request.query,
        QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: request.database },
        WorkGroup: request.workGroup,
        ...(request.resultsLocation === undefined
          ? {}
          : { ResultConfiguration: { OutputLocation: request.resultsLocation } }),
      }),
    );
    if (started.QueryExecutionId === undefined) throw new Error('Athena returned no query id');
    return started.QueryExecutionId;
  }

  async state(queryId: string): Promise<QueryState> {
    const { QueryExecution: execution } = await this.client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: queryId }),
    );
    const state = execution?.Status?.State;
    switch (state) {
      case 'SUCCEEDED':
        return { state, scannedBytes: execution?.Statistics?.DataScannedInBytes ?? 0 };
      case 'FAILED':
      case 'CANCELLED':
        return { state, reason: execution?.Status?.StateChangeReason ?? 'no reason given' };
      case 'RUNNING':
        return { state };
      default:
        return { state: 'QUEUED' };
    }
  }
}
