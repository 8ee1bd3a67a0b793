import { join } from 'node:path';
import {
  evaluate,
  loadTemplate,
  stackOf,
  type JsonObject,
  type Stack,
} from '../../harness/deploy/cfn';
import { ROOT, roleStatements, valueOf } from '../../harness/deploy/functions';
import { decide, decideAcrossAccounts, simulatedRole, type Request } from './support/iamSimulation';
import { MEMBER_ACCOUNT, MEMBER_ROLE, REQUESTS, revocationPolicyArn } from './support/requests';

/**
 * member-role.yaml and region-forwarder.yaml, checked as template.yaml is: read as CloudFormation
 * reads them, resolved for their parameters, and every grant proven with IAM's own evaluation.
 */
const memberTemplate = loadTemplate(join(ROOT, 'member-role.yaml'));
const forwarderTemplate = loadTemplate(join(ROOT, 'region-forwarder.yaml'));
const mainTemplate = loadTemplate(join(ROOT, 'template.yaml'));

const ADMIN_ACCOUNT = '123456789012';
const ORG = 'o-a1b2c3d4e5';
/** The stack whose worker acts in the member account. */
const main = stackOf(mainTemplate, {
  DryRun: 'false',
  MemberRoleName: MEMBER_ROLE,
  MemberRoleExternalId: 'gd-chatops-7f3a',
});
const worker = simulatedRole(main, 'WorkerRole');

function memberStack(overrides: Record<string, string> = {}): Stack {
  return {
    ...stackOf(memberTemplate, {
      AdministratorAccountId: ADMIN_ACCOUNT,
      WorkerRoleArn: worker.arn,
      OrganizationId: ORG,
      ExternalId: 'gd-chatops-7f3a',
      ...overrides,
    }),
    accountId: MEMBER_ACCOUNT,
    region: 'eu-central-1',
    stackName: 'StackSet-guardduty-chatops-member-0a1b2c3d',
  };
}
const member = memberStack();
const memberRole = simulatedRole(member, 'MemberRole');
const trustPolicy = (stack: Stack) =>
  evaluate(stack, stack.template.Resources.MemberRole!.Properties!.AssumeRolePolicyDocument!);

/** What the worker sends inside a member account: its IAM and EC2 requests, there. */
const memberRequests = (REQUESTS.WorkerFunction ?? []).filter(
  (r) => r.platform !== true && (r.action.startsWith('iam:') || r.action.startsWith('ec2:')),
);
const requestIn = (stack: Stack, entry: (typeof memberRequests)[number]): Request => ({
  action: entry.action,
  resource: entry.resource?.(stack) ?? '*',
  ...(entry.context === undefined ? {} : { context: entry.context(stack) }),
});

describe('member-role.yaml', () => {
  test('is named as the stack assumes it, with no path (arn:…:role/<MemberRoleName>)', () => {
    expect(memberRole.arn).toBe(`arn:aws:iam::${MEMBER_ACCOUNT}:role/${MEMBER_ROLE}`);
    expect(valueOf(main, 'WorkerRole', 'Arn')).toMatch(
      /^arn:aws:iam::123456789012:role\/guardduty-chatops\//,
    );
  });

  test('allows every IAM and EC2 request the worker sends in a member account', async () => {
    const denied: string[] = [];
    for (const entry of memberRequests) {
      const request = requestIn(member, entry);
      if ((await decide(member, memberRole.arn, memberRole.statements, request)) !== 'Allowed') {
        denied.push(`${request.action} ${request.resource}`);
      }
    }
    expect(denied).toEqual([]);
    expect(memberRequests.length).toBeGreaterThan(15);
  });

  test('grants nothing no request uses', async () => {
    const unused: string[] = [];
    const requests = memberRequests.map((entry) => requestIn(member, entry));
    for (const statement of memberRole.statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of statement.Action) {
        for (const resource of statement.Resource) {
          const alone = { ...statement, Action: [action], Resource: [resource] };
          let used = false;
          for (const request of requests.filter((r) => r.action === action)) {
            if ((await decide(member, memberRole.arn, [alone], request)) === 'Allowed') used = true;
          }
          if (!used) unused.push(`${statement.Sid ?? ''}: ${action} on ${resource}`);
        }
      }
    }
    expect(unused).toEqual([]);
  });

  test('denies what the worker must never do in a member account', async () => {
    const iam = (resource: string) => `arn:aws:iam::${MEMBER_ACCOUNT}:${resource}`;
    const protectedTag = { 'aws:ResourceTag/guardduty-chatops:protected': 'true' };
    const mustDeny: Request[] = [
      ...[
        'iam:PutRolePolicy',
        'iam:AttachRolePolicy',
        'iam:UpdateAssumeRolePolicy',
        'iam:DeleteRole',
      ].map((action) => ({ action, resource: memberRole.arn })),
      {
        action: 'iam:PutRolePermissionsBoundary',
        resource: memberRole.arn,
        context: { 'iam:PermissionsBoundary': revocationPolicyArn(member) },
      },
      { action: 'iam:PutRolePolicy', resource: iam('role/OrganizationAccountAccessRole') },
      {
        action: 'iam:AttachRolePolicy',
        resource: iam('role/ec2-app'),
        context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      },
      {
        action: 'iam:PutRolePermissionsBoundary',
        resource: iam('role/ec2-app'),
        context: { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      },
      { action: 'iam:UpdateAccessKey', resource: iam('user/admin'), context: protectedTag },
      { action: 'iam:CreateAccessKey', resource: iam('user/ci-bot') },
      { action: 'iam:PassRole', resource: iam('role/ec2-app') },
      { action: 'iam:CreatePolicyVersion', resource: revocationPolicyArn(member) },
      { action: 'guardduty:ArchiveFindings', resource: '*' },
      {
        action: 'guardduty:DeleteDetector',
        resource: `arn:aws:guardduty:eu-central-1:${MEMBER_ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0`,
      },
      {
        action: 'ec2:RevokeSecurityGroupEgress',
        resource: `arn:aws:ec2:eu-central-1:${MEMBER_ACCOUNT}:security-group/sg-0untagged`,
      },
      {
        action: 'ec2:ModifyNetworkInterfaceAttribute',
        resource: `arn:aws:ec2:eu-central-1:${MEMBER_ACCOUNT}:instance/i-0protected`,
        context: protectedTag,
      },
      {
        action: 'ec2:DeleteTags',
        resource: `arn:aws:ec2:eu-central-1:${MEMBER_ACCOUNT}:instance/i-0abcd1234ef567890`,
        context: { 'aws:TagKeys': ['guardduty-chatops:protected'] },
      },
      {
        action: 'ec2:TerminateInstances',
        resource: `arn:aws:ec2:eu-central-1:${MEMBER_ACCOUNT}:instance/i-0abcd1234ef567890`,
      },
    ];
    const allowed: string[] = [];
    for (const request of mustDeny) {
      if ((await decide(member, memberRole.arn, memberRole.statements, request)) === 'Allowed') {
        allowed.push(`${request.action} ${request.resource}`);
      }
    }
    expect(allowed).toEqual([]);
  });

  describe('its trust policy accepts only the stack’s worker role', () => {
    const assume = (input: {
      principal?: string;
      identity?: typeof worker.statements;
      stack?: Stack;
      context?: Record<string, string>;
      action?: string;
    }) =>
      decideAcrossAccounts({
        principal: input.principal ?? worker.arn,
        principalAccount: ADMIN_ACCOUNT,
        identity: input.identity ?? worker.statements,
        resourceAccount: MEMBER_ACCOUNT,
        resourcePolicy: trustPolicy(input.stack ?? member),
        request: {
          action: input.action ?? 'sts:AssumeRole',
          resource: memberRole.arn,
          context: {
            'aws:PrincipalOrgID': ORG,
            'sts:ExternalId': 'gd-chatops-7f3a',
            'sts:SourceIdentity': 'slack-U0ALICE-alice',
            ...input.context,
          },
        },
      });
    const everything = [{ Effect: 'Allow' as const, Action: ['sts:*'], Resource: ['*'] }];

    test('the worker, in the organisation, with the ExternalId, named after a Slack user', async () => {
      expect(await assume({})).toBe('Allowed');
      expect(await assume({ action: 'sts:SetSourceIdentity' })).toBe('Allowed');
    });

    test('no other role of the administrator account, whatever its own policy says', async () => {
      expect(
        await assume({
          principal: `arn:aws:iam::${ADMIN_ACCOUNT}:role/developer`,
          identity: everything,
        }),
      ).not.toBe('Allowed');
    });

    test('not from outside the organisation, without the ExternalId, or with another source identity', async () => {
      expect(await assume({ context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } })).not.toBe(
        'Allowed',
      );
      expect(await assume({ context: { 'sts:ExternalId': 'guess' } })).not.toBe('Allowed');
      expect(
        await assume({
          action: 'sts:SetSourceIdentity',
          context: { 'sts:SourceIdentity': 'admin' },
        }),
      ).not.toBe('Allowed');
    });

    test('with only an organisation id, or only an ExternalId, that one is required', async () => {
      const orgOnly = memberStack({ ExternalId: '' });
      expect(await assume({ stack: orgOnly, context: { 'sts:ExternalId': '' } })).toBe('Allowed');
      expect(
        await assume({ stack: orgOnly, context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } }),
      ).not.toBe('Allowed');
      const externalOnly = memberStack({ OrganizationId: '' });
      expect(await assume({ stack: externalOnly, context: { 'sts:ExternalId': 'nope' } })).not.toBe(
        'Allowed',
      );
      const rule = (memberTemplate.Rules?.OrganizationOrExternalId as { Assertions: JsonObject[] })
        .Assertions[0]!;
      expect(evaluate(memberStack({ OrganizationId: '', ExternalId: '' }), rule.Assert!)).toBe(
        false,
      );
      expect(evaluate(orgOnly, rule.Assert!)).toBe(true);
    });

    test('a dry-run stack’s worker cannot assume it at all', async () => {
      const dry = stackOf(mainTemplate, { MemberRoleName: MEMBER_ROLE });
      const dryWorker = simulatedRole(dry, 'WorkerRole');
      expect(await assume({ identity: dryWorker.statements })).not.toBe('Allowed');
    });
  });
});

describe('region-forwarder.yaml', () => {
  const forwarder: Stack = {
    ...stackOf(forwarderTemplate, { HomeRegion: 'eu-west-1' }),
    region: 'eu-central-1',
  };

  test('forwards GuardDuty findings to the home region’s default bus, with a role allowed only that', async () => {
    const rule = evaluate(
      forwarder,
      forwarderTemplate.Resources.ForwardFindingsRule!.Properties!,
    ) as JsonObject;
    expect(rule.EventPattern).toEqual({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Finding'],
    });
    const bus = 'arn:aws:events:eu-west-1:123456789012:event-bus/default';
    expect(rule.Targets).toEqual([
      { Id: 'home-region-bus', Arn: bus, RoleArn: valueOf(forwarder, 'ForwarderRole', 'Arn') },
    ]);
    // The main stack's rule is on that bus: the same pattern.
    expect(
      (evaluate(main, mainTemplate.Resources.FindingsRule!.Properties!) as JsonObject).EventPattern,
    ).toEqual(rule.EventPattern);
    const role = roleStatements(forwarder, 'ForwarderRole');
    const put = (resource: string) =>
      decide(forwarder, valueOf(forwarder, 'ForwarderRole', 'Arn'), role, {
        action: 'events:PutEvents',
        resource,
      });
    expect(await put(bus)).toBe('Allowed');
    expect(await put('arn:aws:events:eu-west-1:123456789012:event-bus/other')).not.toBe('Allowed');
    expect(await put('arn:aws:events:us-east-1:123456789012:event-bus/default')).not.toBe(
      'Allowed',
    );
  });

  test('refuses to be deployed in the home region itself', () => {
    const rule = (forwarderTemplate.Rules?.NotTheHomeRegion as { Assertions: JsonObject[] })
      .Assertions[0]!;
    expect(evaluate(forwarder, rule.Assert!)).toBe(true);
    expect(evaluate({ ...forwarder, region: 'eu-west-1' }, rule.Assert!)).toBe(false);
  });
});
