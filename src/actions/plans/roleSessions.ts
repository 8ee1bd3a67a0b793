import { createHash } from 'node:crypto';
import { AlreadyInStateError, RemediationRefusedError, TargetNotFoundError } from '../errors';
import { hasProtectedTag, PROTECTED_TAG } from '../guardrails';
import { ref, type AwsCall } from '../ports/awsGateway';
import { REVOKED_SESSIONS_PATH } from '../targets';
import { settleAllOrNothing, stringField, type PlanContext, type Planner } from './types';

interface RoleFacts {
  readonly roleName: string;
  readonly roleArn?: string;
}

interface DescribedRole {
  readonly RoleId?: string;
  readonly Arn?: string;
  readonly Tags?: readonly { Key?: string; Value?: string }[];
  readonly PermissionsBoundary?: { readonly PermissionsBoundaryArn?: string };
}

/** One boundary policy per revocation, named after the intent: a retry finds the same name. */
function boundaryName(context: PlanContext): string {
  const digest = createHash('sha256').update(context.intent.id).digest('hex').slice(0, 20);
  return `guardduty-chatops-revoke-${digest}`;
}

/**
 * The permissions boundary that revokes the sessions issued before `now`: it allows everything
 * only to sessions issued later, so older ones can do nothing while new sessions keep the role's
 * own permissions. A boundary can only take permissions away, so the worker that writes it can
 * never grant itself or anyone anything with it (an inline policy could say anything).
 */
function boundaryDocument(now: Date): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OnlySessionsIssuedAfterTheRevocation',
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { DateGreaterThan: { 'aws:TokenIssueTime': now.toISOString() } },
      },
    ],
  });
}

function isOurs(boundaryArn: string): boolean {
  return boundaryArn.split(':').at(-1)?.startsWith(`policy${REVOKED_SESSIONS_PATH}`) === true;
}

/**
 * Revoke role sessions: a managed policy under the stack's path (CreatePolicy), set as the role's
 * permissions boundary (PutRolePermissionsBoundary); IAM lets the worker set no other boundary.
 */
export const revokeSessionsPlanner: Planner<RoleFacts> = {
  assume: (context) => ({ roleName: context.intent.target }),

  async observe(context, read) {
    const roleName = context.intent.target;
    const { output } = await read({
      service: 'iam',
      command: 'GetRole',
      input: { RoleName: roleName },
    });
    const role = output.Role as DescribedRole | undefined;
    if (role?.RoleId === undefined) throw new TargetNotFoundError(`IAM role ${roleName} not found`);
    // The session's principal is "AROA…:session": the role it names must be this one.
    const principalRoleId = context.finding.resource?.accessKeyDetails?.principalId?.split(':')[0];
    if (principalRoleId !== role.RoleId) {
      throw new RemediationRefusedError(
        `IAM role ${roleName} has id ${role.RoleId}, but the session's principal is ${principalRoleId ?? 'unknown'}; not revoking a different role`,
      );
    }
    if (hasProtectedTag((role.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value })))) {
      throw new RemediationRefusedError(`IAM role ${roleName} is tagged ${PROTECTED_TAG}`);
    }
    const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
    if (boundary !== undefined && isOurs(boundary)) {
      throw new AlreadyInStateError(
        `the older sessions of IAM role ${roleName} are revoked already`,
      );
    }
    if (boundary !== undefined) {
      // Replacing it would lift the limits its owner set; the IAM console's "Revoke active
      // sessions" adds an inline deny instead.
      throw new RemediationRefusedError(
        `IAM role ${roleName} has the permissions boundary ${boundary}; revoking here would replace it — use "Revoke active sessions" in the IAM console`,
      );
    }
    return { roleName, ...(role.Arn === undefined ? {} : { roleArn: role.Arn }) };
  },

  plan(context, facts) {
    const issuedBefore = context.now.toISOString();
    const policyName = boundaryName(context);
    const calls: AwsCall[] = [
      {
        service: 'iam',
        command: 'CreatePolicy',
        input: {
          PolicyName: policyName,
          Path: REVOKED_SESSIONS_PATH,
          PolicyDocument: boundaryDocument(context.now),
          Description: `guardduty-chatops: sessions of ${facts.roleName} issued before ${issuedBefore} are revoked`,
        },
        captures: { boundaryArn: 'Policy.Arn' },
      },
      {
        service: 'iam',
        command: 'PutRolePermissionsBoundary',
        input: { RoleName: facts.roleName, PermissionsBoundary: ref('boundaryArn') },
      },
    ];
    return {
      calls,
      before: {
        roleName: facts.roleName,
        ...(facts.roleArn === undefined ? {} : { roleArn: facts.roleArn }),
        permissionsBoundary: null,
      },
      settle(execution) {
        const created = execution.executed.find((e) => e.call.command === 'CreatePolicy');
        const policy = created?.result.output.Policy as { Arn?: unknown } | undefined;
        // In a dry run nothing was created: the plan's name stands for it.
        const boundaryArn = stringField(policy?.Arn) ?? `${REVOKED_SESSIONS_PATH}${policyName}`;
        return settleAllOrNothing(
          context,
          { permissionsBoundary: boundaryArn, deniesSessionsIssuedBefore: issuedBefore },
          { roleName: facts.roleName, boundaryArn },
        )(execution);
      },
    };
  },
};

/** Restore role sessions: the boundary removed from the role, then the policy deleted. */
export const restoreSessionsPlanner: Planner<RoleFacts> = {
  assume: (context) => ({ roleName: context.intent.target }),
  plan(context, facts) {
    const roleName = stringField(context.applied?.undo.roleName) ?? facts.roleName;
    const boundaryArn = stringField(context.applied?.undo.boundaryArn) ?? '';
    const calls: AwsCall[] = [
      {
        service: 'iam',
        command: 'DeleteRolePermissionsBoundary',
        input: { RoleName: roleName },
      },
      {
        service: 'iam',
        command: 'DeletePolicy',
        input: { PolicyArn: boundaryArn },
      },
    ];
    return {
      calls,
      before: { roleName, permissionsBoundary: boundaryArn },
      settle: settleAllOrNothing(context, { roleName, permissionsBoundary: null }, undefined),
    };
  },
};
