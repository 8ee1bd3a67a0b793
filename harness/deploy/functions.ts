import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import {
  evaluate,
  text,
  isObject,
  referencedId,
  resourcesOfType,
  type Json,
  type JsonObject,
  type Stack,
} from './cfn';

export const ROOT = join(__dirname, '..', '..');

/** An IAM policy statement after the stack's intrinsics are resolved. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: JsonObject;
}

/** A Lambda function of the template, as the tests need it. */
export interface LambdaFunction {
  readonly logicalId: string;
  /** `src/handlers/findings.ts` */
  readonly entry: string;
  /** `findings`: the bundle's name, in SAM's output and in dist/handlers/. */
  readonly name: string;
  /** The exported function the Handler names (`handler`). */
  readonly exportName: string;
  /** False while the handler's source is not in this tree (another issue's code). */
  readonly sourceExists: boolean;
  readonly properties: JsonObject;
  readonly buildProperties: JsonObject;
  readonly roleId: string | undefined;
  /** Globals and the function's own variables, resolved. */
  readonly environment: Record<string, string>;
  readonly statements: Statement[];
  readonly logGroupId: string | undefined;
  readonly onFailureQueueId: string | undefined;
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function environmentOf(stack: Stack, properties: JsonObject): Record<string, string> {
  const variablesOf = (source: JsonObject | undefined): JsonObject => {
    const environment = source?.Environment;
    const variables = isObject(environment) ? environment.Variables : undefined;
    return isObject(variables) ? variables : {};
  };
  const merged = { ...variablesOf(stack.template.Globals?.Function), ...variablesOf(properties) };
  return Object.fromEntries(
    Object.entries(merged).map(([name, value]) => [name, text(evaluate(stack, value))]),
  );
}

/** The role's inline policy statements, resolved for the stack (conditional ones included or not). */
export function roleStatements(stack: Stack, roleId: string | undefined): Statement[] {
  if (roleId === undefined) return [];
  const role = stack.template.Resources[roleId];
  const policies = evaluate(stack, role?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Record<string, unknown>[] };
  }[];
  return policies.flatMap(({ PolicyDocument }) =>
    PolicyDocument.Statement.map((statement) => ({
      ...(statement as unknown as Statement),
      Action: list(statement.Action),
      Resource: list(statement.Resource),
    })),
  );
}

function onFailureQueue(properties: JsonObject): string | undefined {
  const config = properties.EventInvokeConfig;
  if (!isObject(config) || !isObject(config.DestinationConfig)) return undefined;
  const onFailure = config.DestinationConfig.OnFailure;
  return isObject(onFailure) ? referencedId(onFailure.Destination) : undefined;
}

export function lambdaFunctions(stack: Stack): LambdaFunction[] {
  return resourcesOfType(stack, 'AWS::Serverless::Function').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const metadata = resource.Metadata ?? {};
    const buildProperties = isObject(metadata.BuildProperties) ? metadata.BuildProperties : {};
    const entries = buildProperties.EntryPoints;
    const entry = Array.isArray(entries) && typeof entries[0] === 'string' ? entries[0] : '';
    const [, exportName = ''] = text(properties.Handler ?? '').split('.');
    const loggingConfig = properties.LoggingConfig;
    const roleId = referencedId(properties.Role);
    return {
      logicalId,
      entry,
      name: basename(entry, extname(entry)),
      exportName,
      sourceExists: entry !== '' && existsSync(join(ROOT, entry)),
      properties,
      buildProperties,
      roleId,
      environment: environmentOf(stack, properties),
      statements: roleStatements(stack, roleId),
      logGroupId: isObject(loggingConfig) ? referencedId(loggingConfig.LogGroup) : undefined,
      onFailureQueueId: onFailureQueue(properties),
    };
  });
}

/** The resolved value of `!Ref id` / `!GetAtt id.attr` in this stack. */
export function valueOf(stack: Stack, id: string, attribute?: string): string {
  const expression: Json =
    attribute === undefined ? { Ref: id } : { 'Fn::GetAtt': [id, attribute] };
  return text(evaluate(stack, expression));
}
