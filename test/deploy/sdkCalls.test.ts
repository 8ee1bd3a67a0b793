import { awsCallsInSource, UnmappedImportError } from './support/sdkCalls';

const actions = (source: string) => awsCallsInSource('src/aws/x.ts', source).map((c) => c.action);

describe('AWS calls derived from SDK imports', () => {
  test('client commands become the IAM action of their service', () => {
    expect(
      actions(`import { ArchiveFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
               import { UpdateAccessKeyCommand, NoSuchEntityException } from '@aws-sdk/client-iam';`),
    ).toEqual(['guardduty:ArchiveFindings', 'iam:UpdateAccessKey']);
  });

  test('operations whose action is named differently are mapped', () => {
    expect(
      actions(`import { InvokeCommand, InvocationType } from '@aws-sdk/client-lambda';
               import { paginateListObjectsV2, HeadObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
               import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';`),
    ).toEqual([
      'lambda:InvokeFunction',
      's3:ListBucket',
      's3:GetObject',
      'sagemaker:InvokeEndpoint',
    ]);
  });

  test('document-client commands become the DynamoDB item actions they wrap', () => {
    expect(
      actions(`import { GetCommand, PutCommand, UpdateCommand, DeleteCommand, QueryCommand,
                 BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';`),
    ).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ]);
  });

  test('Powertools utilities count as the calls they make', () => {
    expect(
      actions(`import { getSecret } from '@aws-lambda-powertools/parameters/secrets';`),
    ).toEqual(['secretsmanager:GetSecretValue']);
  });

  test('type-only imports call nothing; re-exports count', () => {
    expect(
      actions(`import type { GetObjectCommandInput } from '@aws-sdk/client-s3';
               import { type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
               export { CreateTableCommand } from '@aws-sdk/client-dynamodb';`),
    ).toEqual(['dynamodb:CreateTable']);
  });

  test.each([
    [`import * as s3 from '@aws-sdk/client-s3';`, 'namespace import of @aws-sdk/client-s3'],
    [
      `import { waitUntilInstanceRunning } from '@aws-sdk/client-ec2';`,
      'cannot tell which IAM action waitUntilInstanceRunning from @aws-sdk/client-ec2 needs',
    ],
    [`import { PutRecordCommand } from '@aws-sdk/client-kinesis';`, 'unknown SDK package'],
    [`const m = () => import('@aws-sdk/client-iam');`, 'dynamic import of @aws-sdk/client-iam'],
  ])('an import it cannot map is an error, not a guess: %s', (source, message) => {
    expect(() => actions(source)).toThrow(UnmappedImportError);
    expect(() => actions(source)).toThrow(message);
  });
});
