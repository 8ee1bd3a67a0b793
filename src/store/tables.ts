import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The table names in use; on Lambda they come from `*_TABLE` variables set by the template. */
export interface TableNames {
  readonly findings: string;
  readonly audit: string;
  readonly idempotency: string;
  /** The canary's samples and region states, and the upkeep jobs' records. */
  readonly health: string;
}

export const DEFAULT_TABLE_NAMES: TableNames = {
  findings: 'guardduty-chatops-findings',
  audit: 'guardduty-chatops-audit',
  idempotency: 'guardduty-chatops-idempotency',
  health: 'guardduty-chatops-health',
};

/** Findings by the IAM or EC2 subject they are about, newest first. */
export const FINDINGS_BY_RESOURCE_INDEX = 'byResource';
/** Findings waiting for a channel's digest (sparse: only those records carry `digestChannel`). */
export const FINDINGS_BY_DIGEST_INDEX = 'byDigest';
/** Index of audit records by finding, for `/guardduty audit FINDING_ID`. */
export const AUDIT_BY_FINDING_INDEX = 'byFinding';
/** By the acting Slack user, newest first: `/guardduty audit @user` reads only that user's records. */
export const AUDIT_BY_USER_INDEX = 'byUser';
/** By day, newest first: listings across every finding's chain. */
export const AUDIT_BY_DAY_INDEX = 'byDay';

/**
 * Key schemas of every table. The embedded store creates tables from these; `template.yaml`
 * declares the same keys (a test holds the two together).
 */
export function tableDefinitions(names: TableNames): CreateTableCommandInput[] {
  return [
    {
      TableName: names.findings,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'findingId', AttributeType: 'S' },
        { AttributeName: 'resource', AttributeType: 'S' },
        { AttributeName: 'claimedAt', AttributeType: 'N' },
        { AttributeName: 'digestChannel', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'findingId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: FINDINGS_BY_RESOURCE_INDEX,
          KeySchema: [
            { AttributeName: 'resource', KeyType: 'HASH' },
            { AttributeName: 'claimedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: FINDINGS_BY_DIGEST_INDEX,
          KeySchema: [
            { AttributeName: 'digestChannel', KeyType: 'HASH' },
            { AttributeName: 'claimedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    },
    {
      TableName: names.audit,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'chain', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
        { AttributeName: 'findingId', AttributeType: 'S' },
        { AttributeName: 'userId', AttributeType: 'S' },
        { AttributeName: 'day', AttributeType: 'S' },
        { AttributeName: 'sortKey', AttributeType: 'S' },
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
        {
          IndexName: AUDIT_BY_USER_INDEX,
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'sortKey', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: AUDIT_BY_DAY_INDEX,
          KeySchema: [
            { AttributeName: 'day', KeyType: 'HASH' },
            { AttributeName: 'sortKey', KeyType: 'RANGE' },
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
    {
      // A partition per kind of record (`samples#REGION`, `region#REGION`, `expiries`…), sorted.
      TableName: names.health,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    },
  ];
}
