import ts from 'typescript';

/**
 * The AWS API calls a set of source files can make, read from what they import: every SDK call
 * goes through a `…Command` (or a paginator) imported from an `@aws-sdk/*` package, or through a
 * Powertools utility that calls AWS for us. Each becomes the IAM action it needs.
 */

export interface AwsCall {
  /** IAM action, e.g. `dynamodb:GetItem`. */
  readonly action: string;
  /** What the code imports, e.g. `GetCommand from @aws-sdk/lib-dynamodb`. */
  readonly via: string;
  readonly file: string;
}

export class UnmappedImportError extends Error {
  override readonly name = 'UnmappedImportError';
}

/** IAM service prefix of each SDK client package. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-athena': 'athena',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-guardduty': 'guardduty',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-organizations': 'organizations',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sagemaker': 'sagemaker',
  '@aws-sdk/client-sagemaker-runtime': 'sagemaker',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sts': 'sts',
};

/** Operations whose IAM action is not named like the API operation. */
const ACTION_FOR_OPERATION: Readonly<Record<string, string>> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  'lambda:Invoke': 'lambda:InvokeFunction',
};

/** The document client's commands wrap these DynamoDB operations. */
const DOCUMENT_CLIENT_OPERATION: Readonly<Record<string, string>> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactGetCommand: 'TransactGetItems',
  TransactWriteCommand: 'TransactWriteItems',
  paginateQuery: 'Query',
  paginateScan: 'Scan',
};

/** Powertools utilities that call AWS on the code's behalf, with the actions their docs require. */
const POWERTOOLS_CALLS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '@aws-lambda-powertools/parameters/secrets': { getSecret: ['secretsmanager:GetSecretValue'] },
  '@aws-lambda-powertools/parameters/ssm': {
    getParameter: ['ssm:GetParameter'],
    getParameters: ['ssm:GetParametersByPath'],
  },
  '@aws-lambda-powertools/idempotency/dynamodb': {
    DynamoDBPersistenceLayer: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
  },
};

/** Imports from SDK packages that never call AWS by themselves. */
function callsNothing(name: string): boolean {
  return (
    /Client$/.test(name) || // clients only send the commands above
    /(Exception|Error)$/.test(name) ||
    /^NoSuch[A-Z]/.test(name) || // S3 errors: NoSuchKey, NoSuchBucket
    /^[A-Z][A-Za-z]*\$$/.test(name) || // the SDK's shape schemas (Finding$): data, no call
    /^[A-Z][A-Za-z]*(Type|Status|Value|Select|Mode)$/.test(name) // enums such as InvocationType
  );
}

function operationOf(name: string): string | undefined {
  if (name.endsWith('Command')) return name.slice(0, -'Command'.length);
  if (name.startsWith('paginate')) return name.slice('paginate'.length);
  return undefined;
}

function actionsFor(module: string, name: string): string[] {
  const powertools = POWERTOOLS_CALLS[module];
  if (powertools !== undefined) {
    const actions = powertools[name];
    if (actions !== undefined) return [...actions];
    if (callsNothing(name)) return [];
    throw new UnmappedImportError(`${name} from ${module}`);
  }
  // Converts DynamoDB items to plain objects: data only.
  if (module === '@aws-sdk/util-dynamodb') return [];
  if (module === '@aws-sdk/lib-dynamodb') {
    const operation = DOCUMENT_CLIENT_OPERATION[name];
    if (operation !== undefined) return [`dynamodb:${operation}`];
    if (callsNothing(name) || name === 'NativeAttributeValue') return [];
    throw new UnmappedImportError(`${name} from ${module}`);
  }
  const prefix = SERVICE_PREFIX[module];
  if (prefix === undefined) {
    if (module.startsWith('@aws-sdk/') && !module.startsWith('@aws-sdk/types')) {
      throw new UnmappedImportError(`${name} from ${module} (unknown SDK package)`);
    }
    return [];
  }
  const operation = operationOf(name);
  if (operation !== undefined) {
    const action = `${prefix}:${operation}`;
    return [ACTION_FOR_OPERATION[action] ?? action];
  }
  if (callsNothing(name)) return [];
  throw new UnmappedImportError(`${name} from ${module}`);
}

function callsModule(module: string): boolean {
  return module.startsWith('@aws-sdk/') || module in POWERTOOLS_CALLS;
}

/**
 * The AWS calls one source file can make. Throws UnmappedImportError for an SDK import the tables
 * above do not cover (a waiter, a namespace import, a new package): extend them, do not guess.
 */
export function awsCallsInSource(file: string, source: string): AwsCall[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const calls: AwsCall[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0]) &&
      callsModule(node.arguments[0].text)
    ) {
      throw new UnmappedImportError(`${file}: dynamic import of ${node.arguments[0].text}`);
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    const module = specifier.text;
    if (!callsModule(module)) continue;
    const names: string[] = [];
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause === undefined || clause.phaseModifier === ts.SyntaxKind.TypeKeyword) continue;
      const bindings = clause.namedBindings;
      if (clause.name !== undefined || (bindings !== undefined && ts.isNamespaceImport(bindings))) {
        throw new UnmappedImportError(`${file}: default or namespace import of ${module}`);
      }
      for (const element of bindings?.elements ?? []) {
        if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
      }
    } else {
      const clause = statement.exportClause;
      if (statement.isTypeOnly) continue;
      if (clause === undefined || !ts.isNamedExports(clause)) {
        throw new UnmappedImportError(`${file}: export * from ${module}`);
      }
      for (const element of clause.elements) {
        if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
      }
    }
    for (const name of names) {
      let actions: string[];
      try {
        actions = actionsFor(module, name);
      } catch (error) {
        if (error instanceof UnmappedImportError) {
          throw new UnmappedImportError(
            `${file}: cannot tell which IAM action ${error.message} needs; extend test/deploy/support/sdkCalls.ts`,
          );
        }
        throw error;
      }
      for (const action of actions) calls.push({ action, via: `${name} from ${module}`, file });
    }
  }
  visit(sourceFile);
  return calls;
}

/**
 * Actions IAM requires alongside another one that the code does not call by itself, with why.
 * They may be granted when the action they accompany is called; nothing else may.
 */
export const COMPANION_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // Tagging a security group or snapshot as it is created (TagSpecifications) is authorised as
  // ec2:CreateTags on the new resource.
  'ec2:CreateSecurityGroup': ['ec2:CreateTags'],
  'ec2:CreateSnapshot': ['ec2:CreateTags'],
  // AssumeRole with a SourceIdentity needs sts:SetSourceIdentity on the role as well.
  'sts:AssumeRole': ['sts:SetSourceIdentity'],
  // S3 answers a missing object 404 only to a caller that may list the bucket (403 otherwise):
  // the scorers of the stack's model bucket, before the retraining has published a model.
  's3:GetObject': ['s3:ListBucket'],
  // GuardDuty puts (and replaces) its service-linked role's policy for an IP list's location with
  // the caller's permission (GuardDuty User Guide: prerequisites for IP address lists).
  'guardduty:CreateThreatIntelSet': ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
  'guardduty:UpdateThreatIntelSet': ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
  'guardduty:CreateIPSet': ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
  'guardduty:UpdateIPSet': ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
  // Athena runs a CTAS with the caller's permissions: it reads the source table's definition and
  // partitions in Glue, creates the new table, finds the buckets' regions and writes the output
  // (Athena User Guide: access to Glue and to Amazon S3).
  'athena:StartQueryExecution': [
    'glue:GetDatabase',
    'glue:GetTable',
    'glue:GetPartitions',
    'glue:CreateTable',
    'glue:BatchCreatePartition',
    's3:GetBucketLocation',
    's3:AbortMultipartUpload',
  ],
  // A training job and a model run as the role they name: the caller must be allowed to pass it.
  'sagemaker:CreateTrainingJob': ['iam:PassRole'],
  'sagemaker:CreateModel': ['iam:PassRole'],
};
