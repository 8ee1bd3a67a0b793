import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The table names in use; on Lambda they come from `*_TABLE` variables set by the template. */
export interface TableNames {
  readonly findings: string;
  readonly audit: string;
  readonly idempotency: string;
}

export const DEFAULT_TABLE_NAMES: TableNames = {
  findings: 'guardduty-chatops-findings',
  audit: 'guardduty-chatops-audit',
  idempotency: 'guardduty-chatops-idempotency',
};

/** Index of audit records by finding, for `/guardduty audit FINDING_ID`. */
export const AUDIT_BY_FINDING_INDEX = 'byFinding';

/**
 * Key schemas of every table. The embedded store creates tables from these; `template.yaml`
 * declares the same keys (a test holds the two together).
 */
export function tableDefinitions(names: TableNames): CreateTableCommandInput[] {
  return [
    {
      TableName: names.findings,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'findingId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'findingId', KeyType: 'HASH' }],
    },
    {
      TableName: names.audit,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'chain', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
        { AttributeName: 'findingId', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'chain', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: AUDIT_BY_FINDING_INDEX,
          KeySchema: [
            { AttributeName: 'findingId', KeyType: 'HASH' },
            { AttributeName: 'seq', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
    {
      // Key and TTL attribute names follow Powertools idempotency's defaults.
      TableName: names.idempotency,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    },
  ];
}
