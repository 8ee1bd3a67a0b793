import { ConfigError, loadConfig } from '../src/config';

/** A signing secret of Slack's length. */
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

const VALID = {
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_BOT_TOKEN: 'xoxb-1-2-3',
  SLACK_CHANNEL_ID: 'C0SECURITY',
};

function problems(env: NodeJS.ProcessEnv, needs: ('slack' | 'channel')[] = []): readonly string[] {
  try {
    loadConfig(env, needs, '/srv');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('pages through PagerDuty with a routing key, through the page queue with its URL', () => {
    expect(
      loadConfig({ ...VALID, PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0123456789ABCDEFGHIJKL' }).paging,
    ).toEqual({
      kind: 'pagerduty',
      routingKey: 'R0UTINGKEY0123456789ABCDEFGHIJKL',
      eventsUrl: 'https://events.pagerduty.com',
    });
    const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/pages';
    expect(loadConfig({ ...VALID, PAGE_QUEUE_URL: queueUrl }).paging).toEqual({
      kind: 'queue',
      queueUrl,
    });
    expect(() => loadConfig({ ...VALID, PAGERDUTY_ROUTING_KEY: 'short' })).toThrow(
      'PAGERDUTY_ROUTING_KEY: must be a 32-character Events API v2 integration key',
    );
  });

  it('applies the documented defaults', () => {
    const config = loadConfig(VALID, ['slack', 'channel'], '/srv');
    expect(config).toEqual({
      slack: {
        signingSecret: SECRET,
        botToken: 'xoxb-1-2-3',
        apiUrl: 'https://slack.com/api/',
        channelId: 'C0SECURITY',
      },
      responders: { users: [], groups: [] },
      viewers: { users: [], groups: [] },
      minSeverity: 0,
      routes: { kind: 'defaults' },
      paging: { kind: 'none' },
      ipInsights: { kind: 'none' },
      store: {
        kind: 'local',
        dir: '/srv/.local/store',
        tables: {
          findings: 'guardduty-chatops-findings',
          audit: 'guardduty-chatops-audit',
          idempotency: 'guardduty-chatops-idempotency',
          health: 'guardduty-chatops-health',
        },
      },
      // The embedded store keeps the audit anchors beside it.
      auditAnchors: { kind: 'file', path: '/srv/.local/store/audit-anchors.jsonl' },
      dryRun: false,
      protectedPrincipals: [],
      ipLists: { egress: [], defaultRegion: 'us-east-1' },
      port: 3000,
      // One account, every finding acted on where the stack is.
      organization: { accounts: { kind: 'none' } },
      canary: {
        regions: [],
        findingType: 'UnauthorizedAccess:EC2/RDPBruteForce',
        delayMs: 600_000,
        modelMaxAgeDays: 30,
        findingsRule: 'guardduty-chatops-findings',
        forwarderRule: 'guardduty-chatops-forwarder',
        deadLetterQueues: [],
      },
      retraining: {
        windowDays: 30,
        maxBytes: 1_000_000_000,
        refreshMs: 900_000,
        publishesModel: false,
      },
    });
  });

  it('refuses a placeholder or a short signing secret at start, naming the variable', () => {
    for (const placeholder of ['REPLACE_ME', 'changeme', 'x'.repeat(40)]) {
      expect(() => loadConfig({ ...VALID, SLACK_SIGNING_SECRET: placeholder })).toThrow(
        'SLACK_SIGNING_SECRET: is a placeholder: put the app’s signing secret here (Slack app → Basic Information)',
      );
    }
    expect(() => loadConfig({ ...VALID, SLACK_SIGNING_SECRET: 'abc123' })).toThrow(
      "SLACK_SIGNING_SECRET: is too short to be a Slack signing secret (Slack's have 32 characters)",
    );
  });

  it('reads where the stack stands in an organization, and refuses what AWS would', () => {
    expect(
      loadConfig(
        {
          ADMIN_ACCOUNT_ID: '999988887777',
          MEMBER_ROLE_NAME: 'guardduty-chatops-member',
          MEMBER_ROLE_EXTERNAL_ID: 'gd-chatops-7f3a',
          ACCOUNTS_FILE: 'accounts.yml',
        },
        [],
        '/srv',
      ).organization,
    ).toEqual({
      adminAccountId: '999988887777',
      memberRoleName: 'guardduty-chatops-member',
      externalId: 'gd-chatops-7f3a',
      accounts: { kind: 'file', path: '/srv/accounts.yml' },
    });
    expect(loadConfig({ ACCOUNTS_PARAMETER: '/gd/accounts' }).organization.accounts).toEqual({
      kind: 'parameter',
      name: '/gd/accounts',
    });
    expect(() =>
      loadConfig({
        ADMIN_ACCOUNT_ID: '9999',
        MEMBER_ROLE_NAME: 'role/with/path',
        ACCOUNTS_FILE: 'a.yml',
        ACCOUNTS_PARAMETER: '/p',
      }),
    ).toThrow(
      'invalid configuration: ADMIN_ACCOUNT_ID: must be a 12-digit AWS account id; MEMBER_ROLE_NAME: must be an IAM role name (no path); ACCOUNTS_FILE and ACCOUNTS_PARAMETER: set one, not both',
    );
  });

  it('anchors the audit log in the bucket AUDIT_ANCHOR_BUCKET names, and refuses a bad name', () => {
    expect(
      loadConfig({ AUDIT_ANCHOR_BUCKET: 'gd-anchors-1', STORE: 'dynamodb' }).auditAnchors,
    ).toEqual({ kind: 's3', bucket: 'gd-anchors-1' });
    expect(loadConfig({ STORE: 'dynamodb' }).auditAnchors).toEqual({ kind: 'none' });
    expect(() => loadConfig({ AUDIT_ANCHOR_BUCKET: 'Not_A_Bucket' })).toThrow(
      'AUDIT_ANCHOR_BUCKET: must be an S3 bucket name',
    );
  });

  it('uses DynamoDB by default on Lambda, with table names from the environment', () => {
    const config = loadConfig({
      ...VALID,
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
      AUDIT_TABLE: 'audit-prod',
    });
    expect(config.store).toEqual({
      kind: 'dynamodb',
      tables: {
        findings: 'guardduty-chatops-findings',
        audit: 'audit-prod',
        idempotency: 'guardduty-chatops-idempotency',
        health: 'guardduty-chatops-health',
      },
    });
  });

  it('splits responders into users and user groups', () => {
    const config = loadConfig({ RESPONDERS: 'U123ABC, S0SECOPS ,W999' });
    expect(config.responders).toEqual({ users: ['U123ABC', 'W999'], groups: ['S0SECOPS'] });
  });

  it('splits viewers the same way, and refuses names', () => {
    expect(loadConfig({ VIEWERS: 'U0AUDITOR,S0SECREAD' }).viewers).toEqual({
      users: ['U0AUDITOR'],
      groups: ['S0SECREAD'],
    });
    expect(() => loadConfig({ VIEWERS: 'auditor' })).toThrow(
      'VIEWERS: must be comma-separated Slack user ids (U…) or user-group ids (S…)',
    );
  });

  it('reads the store, scorer, dry run and severity settings', () => {
    const config = loadConfig(
      {
        STORE: 'local:data',
        IPINSIGHTS_MODEL: 's3://bucket/model.ipi',
        DRY_RUN: 'true',
        MIN_SEVERITY: '7',
        SLACK_API_URL: 'http://127.0.0.1:9000/api',
        PROTECTED_PRINCIPALS: 'AIDAPROTECTED,break-glass',
      },
      [],
      '/srv',
    );
    expect(config.store).toMatchObject({ kind: 'local', dir: '/srv/data' });
    expect(config.ipInsights).toEqual({ kind: 'model', location: 's3://bucket/model.ipi' });
    expect(config.dryRun).toBe(true);
    expect(config.minSeverity).toBe(7);
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9000/api/');
    expect(config.protectedPrincipals).toEqual(['AIDAPROTECTED', 'break-glass']);
  });

  it('names every missing and bad variable at once', () => {
    expect(
      problems(
        {
          SLACK_BOT_TOKEN: 'not-a-token',
          MIN_SEVERITY: '12',
          RESPONDERS: 'alice',
          DRY_RUN: 'yes',
          STORE: 'postgres',
          IPINSIGHTS_MODEL: 'm',
          IPINSIGHTS_ENDPOINT: 'ep',
        },
        ['slack', 'channel'],
      ),
    ).toEqual([
      'SLACK_BOT_TOKEN: must be a bot token (xoxb-…)',
      'RESPONDERS: must be comma-separated Slack user ids (U…) or user-group ids (S…)',
      'MIN_SEVERITY: must be between 0 and 10',
      'STORE: must be "dynamodb" or "local:<dir>"',
      'DRY_RUN: must be "true" or "false"',
      'SLACK_SIGNING_SECRET: missing (the Slack app signing secret)',
      'SLACK_CHANNEL_ID: missing (the security channel findings go to)',
      'IPINSIGHTS_MODEL and IPINSIGHTS_ENDPOINT: set one, not both',
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(problems({ ...VALID, SLACK_CHANNEL_ID: '' }, ['channel'])).toEqual([
      'SLACK_CHANNEL_ID: missing (the security channel findings go to)',
    ]);
  });

  it('rejects a channel name where a channel id is needed', () => {
    expect(problems({ ...VALID, SLACK_CHANNEL_ID: '#security' })).toEqual([
      'SLACK_CHANNEL_ID: must be a channel id (C…), not a channel name',
    ]);
  });
});
