import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../actions/audit/record';
import type { AuditChains } from '../actions/ports/repositories';

/** The whole audit table read at once, for `audit verify`; no Lambda function scans it. */
export class DynamoAuditScan implements AuditChains {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every record, grouped by chain, each chain in seq order. */
  async chains(): Promise<ReadonlyMap<string, readonly AuditRecord[]>> {
    const chains = new Map<string, AuditRecord[]>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const record = item as AuditRecord;
        const chain = chains.get(record.chain) ?? [];
        chain.push(record);
        chains.set(record.chain, chain);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    for (const records of chains.values()) records.sort((a, b) => a.seq - b.seq);
    return chains;
  }
}
