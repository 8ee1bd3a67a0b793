import { readFileSync } from 'node:fs';
import { parseDocument, type YAMLMap, type YAMLSeq, type Tags } from 'yaml';

/**
 * template.yaml as CloudFormation reads it: the short-form intrinsic tags (!Ref, !Sub, !GetAtt…)
 * become their long form ({ Ref }, { 'Fn::Sub' }, { 'Fn::GetAtt': [id, attr] }), and a small
 * evaluator resolves them for a given set of parameter values, so tests can read environment
 * variables and ARNs as a deployed stack would have them.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Resource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties?: JsonObject;
  readonly Metadata?: JsonObject;
  readonly DependsOn?: Json;
}

export interface Template {
  readonly Parameters: Record<string, JsonObject>;
  readonly Conditions: Record<string, Json>;
  readonly Globals?: { readonly Function?: JsonObject };
  readonly Resources: Record<string, Resource>;
  readonly Outputs: Record<string, JsonObject>;
  readonly Rules?: JsonObject;
}

const INTRINSICS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'RefAll',
  'ValueOf',
  'ValueOfAll',
] as const;

function longName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** One tag per intrinsic and node kind; the yaml package picks the one matching the node. */
export const cfnTags: Tags = INTRINSICS.flatMap((name) => {
  const key = longName(name);
  const scalar = (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value });
  return [
    { tag: `!${name}`, resolve: scalar },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (seq: YAMLSeq) => ({ [key]: seq.toJSON() as Json }),
    },
    {
      tag: `!${name}`,
      collection: 'map' as const,
      resolve: (map: YAMLMap) => ({ [key]: map.toJSON() as Json }),
    },
  ];
}) as Tags;

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Parses a CloudFormation YAML file; an unknown tag (a typo such as `!GetAt`) is an error. */
export function loadCfnYaml(path: string): unknown {
  const doc = parseDocument(readFileSync(path, 'utf8'), { customTags: cfnTags });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) throw new TemplateError(`${path}: ${problem.message}`);
  return doc.toJS();
}

export function loadTemplate(path: string): Template {
  return loadCfnYaml(path) as Template;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stack a test pretends to deploy: its parameter values, account, region and name. */
export interface Stack {
  readonly template: Template;
  readonly parameters: Readonly<Record<string, string>>;
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
}

/** What an operator answers to `sam deploy --guided` for the parameters without a default. */
export const OPERATOR_PARAMETERS: Readonly<Record<string, string>> = {
  SlackChannelId: 'C0SECURITY1',
};

export function stackOf(template: Template, overrides: Record<string, string> = {}): Stack {
  const parameters: Record<string, string> = {};
  for (const [name, spec] of Object.entries(template.Parameters)) {
    const fallback = spec.Default;
    if (fallback !== undefined) parameters[name] = text(fallback);
  }
  return {
    template,
    parameters: { ...parameters, ...OPERATOR_PARAMETERS, ...overrides },
    accountId: '123456789012',
    region: 'eu-west-1',
    stackName: 'gd-chatops',
  };
}

/** Removed from lists and maps: `!Ref AWS::NoValue`, as CloudFormation does. */
export const NO_VALUE = Symbol('AWS::NoValue');

export class UnresolvableError extends Error {
  override readonly name = 'UnresolvableError';
}

function arn(stack: Stack, service: string, resource: string, account = true, region = true) {
  return `arn:aws:${service}:${region ? stack.region : ''}:${account ? stack.accountId : ''}:${resource}`;
}

/**
 * The name CloudFormation gives a resource that names none: `stack-LogicalId-SUFFIX`, cut to
 * IAM's 64 characters by shortening the stack and logical id parts (so a deny on
 * `role/${AWS::StackName}-*` misses the roles of a stack with a long name).
 */
function generatedName(stack: Stack, id: string, given: Json | undefined): string {
  if (given !== undefined) return text(evaluate(stack, given));
  const suffix = 'A1B2C3D4E5F6';
  const room = 64 - suffix.length - 2;
  const stackPart = stack.stackName.slice(0, Math.max(room - id.length, Math.ceil(room / 2)));
  const idPart = id.slice(0, room - stackPart.length);
  return `${stackPart}-${idPart}-${suffix}`;
}

/** What `!Ref` and `!GetAtt` give for the resource types this template uses. */
function resourceValue(stack: Stack, id: string, attribute?: string): string {
  const resource = stack.template.Resources[id];
  if (resource === undefined) throw new UnresolvableError(`no resource or parameter ${id}`);
  const physical = `${stack.stackName}-${id}-0123ABCD`;
  const key = `${resource.Type}${attribute === undefined ? '' : `.${attribute}`}`;
  switch (key) {
    case 'AWS::DynamoDB::Table':
      return physical;
    case 'AWS::DynamoDB::Table.Arn':
      return arn(stack, 'dynamodb', `table/${physical}`);
    case 'AWS::SecretsManager::Secret':
      return arn(stack, 'secretsmanager', `secret:${id}-AbCdEf`);
    case 'AWS::Serverless::Function':
      return physical;
    case 'AWS::Serverless::Function.Arn':
      return arn(stack, 'lambda', `function:${physical}`);
    case 'AWS::SQS::Queue':
      return `https://sqs.${stack.region}.amazonaws.com/${stack.accountId}/${physical}`;
    case 'AWS::SQS::Queue.Arn':
      return arn(stack, 'sqs', physical);
    case 'AWS::SQS::Queue.QueueName':
      return physical;
    case 'AWS::Logs::LogGroup':
      return text(evaluate(stack, resource.Properties?.LogGroupName ?? physical));
    case 'AWS::Logs::LogGroup.Arn':
      return arn(stack, 'logs', `log-group:${resourceValue(stack, id)}:*`);
    case 'AWS::SSM::Parameter':
      // Ref is the parameter's name.
      return text(evaluate(stack, resource.Properties?.Name ?? physical));
    // Ref is the rule's name.
    case 'AWS::Events::Rule':
      return physical;
    case 'AWS::Events::Rule.Arn':
      return arn(stack, 'events', `rule/${physical}`);
    // Bucket names are lower case, at most 63 characters.
    case 'AWS::S3::Bucket':
      return physical.toLowerCase().slice(0, 63);
    case 'AWS::S3::Bucket.Arn':
      return `arn:aws:s3:::${resourceValue(stack, id)}`;
    case 'AWS::IAM::Role':
      return generatedName(stack, id, resource.Properties?.RoleName);
    case 'AWS::IAM::Role.Arn': {
      const path = text(evaluate(stack, resource.Properties?.Path ?? '/'));
      return arn(stack, 'iam', `role${path}${resourceValue(stack, id)}`, true, false);
    }
    default:
      return attribute === undefined ? id : `${id}.${attribute}`;
  }
}

function pseudo(stack: Stack, name: string): string | undefined {
  const values: Record<string, string> = {
    'AWS::AccountId': stack.accountId,
    'AWS::Region': stack.region,
    'AWS::StackName': stack.stackName,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  return values[name];
}

function ref(stack: Stack, name: string): string | typeof NO_VALUE {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const value = pseudo(stack, name) ?? stack.parameters[name];
  if (value !== undefined) return value;
  if (stack.template.Parameters[name] !== undefined) {
    throw new UnresolvableError(`parameter ${name} has no value`);
  }
  return resourceValue(stack, name);
}

export function condition(stack: Stack, name: string): boolean {
  const definition = stack.template.Conditions[name];
  if (definition === undefined) throw new UnresolvableError(`no condition ${name}`);
  return evaluate(stack, definition) === true;
}

function substitute(stack: Stack, template: string, variables: JsonObject): string {
  return template.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    const variable = variables[name];
    if (variable !== undefined) return text(evaluate(stack, variable));
    const [id = '', attribute] = name.split('.');
    if (attribute !== undefined) return resourceValue(stack, id, attribute);
    const value = ref(stack, id);
    if (value === NO_VALUE) throw new UnresolvableError(`\${${name}} in Fn::Sub`);
    return value;
  });
}

/** A function's arguments, checked for number; missing ones are an error, not `undefined`. */
function args(value: Json, fn: string, length: number): Json[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new UnresolvableError(`${fn} takes ${length} arguments, got ${JSON.stringify(value)}`);
  }
  return value.map((item) => item ?? null);
}

/** A scalar as text (parameters, names, separators); anything else is an error. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnresolvableError(`expected a scalar, got ${JSON.stringify(value)}`);
}

function evaluateFunction(stack: Stack, fn: string, arg: Json): unknown {
  const nth = (list: Json[], index: number): Json => list[index] ?? null;
  switch (fn) {
    case 'Ref':
      return ref(stack, text(arg));
    case 'Fn::GetAtt': {
      const list = args(arg, fn, 2);
      return resourceValue(stack, text(nth(list, 0)), text(nth(list, 1)));
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(stack, arg, {});
      const list = args(arg, fn, 2);
      const variables = nth(list, 1);
      return substitute(stack, text(nth(list, 0)), isObject(variables) ? variables : {});
    }
    case 'Fn::Join': {
      const list = args(arg, fn, 2);
      const items = evaluate(stack, nth(list, 1)) as unknown[];
      return items.map(text).join(text(nth(list, 0)));
    }
    case 'Fn::Split': {
      const list = args(arg, fn, 2);
      return text(evaluate(stack, nth(list, 1))).split(text(nth(list, 0)));
    }
    case 'Fn::Select': {
      const list = args(arg, fn, 2);
      const index = Number(evaluate(stack, nth(list, 0)));
      const picked = (evaluate(stack, nth(list, 1)) as unknown[])[index];
      if (picked === undefined) throw new UnresolvableError(`Fn::Select ${index} out of range`);
      return picked;
    }
    case 'Fn::If': {
      const list = args(arg, fn, 3);
      return evaluate(stack, condition(stack, text(nth(list, 0))) ? nth(list, 1) : nth(list, 2));
    }
    case 'Fn::Equals': {
      const list = args(arg, fn, 2);
      return text(evaluate(stack, nth(list, 0))) === text(evaluate(stack, nth(list, 1)));
    }
    case 'Fn::Not':
      return evaluate(stack, nth(args(arg, fn, 1), 0)) !== true;
    case 'Fn::And':
      return (arg as Json[]).every((item) => evaluate(stack, item) === true);
    case 'Fn::Or':
      return (arg as Json[]).some((item) => evaluate(stack, item) === true);
    default:
      throw new UnresolvableError(`${fn} is not supported by the test evaluator`);
  }
}

/** Resolves every intrinsic function in `value` for the stack's parameters. */
export function evaluate(stack: Stack, value: Json): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => evaluate(stack, item)).filter((item) => item !== NO_VALUE);
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const [fn] = keys;
  const arg = fn === undefined ? null : (value[fn] ?? null);
  if (keys.length === 1 && fn !== undefined && (fn === 'Ref' || fn.startsWith('Fn::'))) {
    return evaluateFunction(stack, fn, arg);
  }
  if (keys.length === 1 && fn === 'Condition' && typeof arg === 'string') {
    return condition(stack, arg);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const resolved = evaluate(stack, item);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/** Resources of one type, by logical id, that exist for this stack's conditions. */
export function resourcesOfType(stack: Stack, type: string): [string, Resource][] {
  return Object.entries(stack.template.Resources).filter(
    ([, resource]) =>
      resource.Type === type &&
      (resource.Condition === undefined || condition(stack, resource.Condition)),
  );
}

/** The logical id a `!Ref X` / `!GetAtt X.Attr` points at, or undefined for anything else. */
export function referencedId(value: Json | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}
