import { RemediationRefusedError, TargetNotFoundError } from '../errors';
import { REVOKE_POLICY_NAME } from '../targets';
import { settleAllOrNothing, stringField, type Planner } from './types';

interface RoleFacts {
  readonly roleName: string;
  readonly roleArn?: string;
}

/**
 * The deny-all inline policy for sessions issued before `now`: what the IAM console's "Revoke
 * active sessions" does. New sessions (issued after) keep working.
 */
function revokePolicyDocument(now: Date): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GuardDutyChatOpsRevokeOlderSessions',
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } },
      },
    ],
  });
}

/** Revoke role sessions: PutRolePolicy with a deny conditioned on aws:TokenIssueTime. */
export const revokeSessionsPlanner: Planner<RoleFacts> = {
  assume: (context) => ({ roleName: context.intent.target }),

  async observe(context, read) {
    const roleName = context.intent.target;
    const { output } = await read({
      service: 'iam',
      command: 'GetRole',
      input: { RoleName: roleName },
    });
    const role = output.Role as { RoleId?: string; Arn?: string } | undefined;
    if (role?.RoleId === undefined) throw new TargetNotFoundError(`IAM role ${roleName} not found`);
    // The session's principal is "AROA…:session": the role it names must be this one.
    const principalRoleId = context.finding.resource?.accessKeyDetails?.principalId?.split(':')[0];
    if (principalRoleId !== role.RoleId) {
      throw new RemediationRefusedError(
        `IAM role ${roleName} has id ${role.RoleId}, but the session's principal is ${principalRoleId ?? 'unknown'}; not revoking a different role`,
      );
    }
    return { roleName, ...(role.Arn === undefined ? {} : { roleArn: role.Arn }) };
  },

  plan(context, facts) {
    const issuedBefore = context.now.toISOString();
    return {
      calls: [
        {
          service: 'iam',
          command: 'PutRolePolicy',
          input: {
            RoleName: facts.roleName,
            PolicyName: REVOKE_POLICY_NAME,
            PolicyDocument: revokePolicyDocument(context.now),
          },
        },
      ],
      before: {
        roleName: facts.roleName,
        ...(facts.roleArn === undefined ? {} : { roleArn: facts.roleArn }),
      },
      settle: settleAllOrNothing(
        context,
        { policyName: REVOKE_POLICY_NAME, deniesSessionsIssuedBefore: issuedBefore },
        { roleName: facts.roleName, policyName: REVOKE_POLICY_NAME },
      ),
    };
  },
};

/** Restore role sessions: DeleteRolePolicy of the deny policy (older sessions work again). */
export const restoreSessionsPlanner: Planner<RoleFacts> = {
  assume: (context) => ({ roleName: context.intent.target }),
  plan(context, facts) {
    const policyName = stringField(context.applied?.undo.policyName) ?? REVOKE_POLICY_NAME;
    const roleName = stringField(context.applied?.undo.roleName) ?? facts.roleName;
    return {
      calls: [
        {
          service: 'iam',
          command: 'DeleteRolePolicy',
          input: { RoleName: roleName, PolicyName: policyName },
        },
      ],
      before: { roleName, policyName },
      settle: settleAllOrNothing(context, { roleName, policyName: null }, undefined),
    };
  },
};
