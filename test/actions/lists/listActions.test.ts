import {
  CreateIPSetCommand,
  CreateThreatIntelSetCommand,
  GetThreatIntelSetCommand,
  ListDetectorsCommand,
  ListIPSetsCommand,
  ListThreatIntelSetsCommand,
  UpdateThreatIntelSetCommand,
} from '@aws-sdk/client-guardduty';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startLocalS3, type LocalS3 } from '../../../harness/localS3';
import { allAuditRecords } from '../../../harness/store';
import type { ActionRequest } from '../../../src/actions/contract';
import { listChain } from '../../../src/actions/lists/subjects';
import { listObjectKey } from '../../../src/actions/lists/listFile';
import { S3IpLists } from '../../../src/aws/s3IpLists';
import { ALICE, BOB, NOW, startRuntimeHarness, type RuntimeHarness } from '../../helpers/bot';

/**
 * The list actions end to end: the Slack-side service, the in-process worker, the embedded
 * DynamoDB, the list files on a real S3-compatible server on loopback, and GuardDuty mocked at
 * the SDK boundary with the exact calls asserted.
 */

const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';
let s3: LocalS3;
let harness: RuntimeHarness;

beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());

async function start(env: NodeJS.ProcessEnv = {}) {
  const lists = new S3IpLists({ client: s3.client, bucket: s3.bucket });
  harness = await startRuntimeHarness({ lists, env: { EGRESS_ADDRESSES: '198.51.100.7', ...env } });
  harness.aws.guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
  harness.aws.guardduty.on(ListThreatIntelSetsCommand).resolves({ ThreatIntelSetIds: [] });
  harness.aws.guardduty.on(ListIPSetsCommand).resolves({ IpSetIds: [] });
  harness.aws.guardduty.on(CreateThreatIntelSetCommand).resolves({ ThreatIntelSetId: 'ts-1' });
  harness.aws.guardduty.on(CreateIPSetCommand).resolves({ IpSetId: 'ip-1' });
  harness.aws.guardduty.on(UpdateThreatIntelSetCommand).resolves({});
}
afterEach(() => harness.close());

let region = 0;
/** A fresh Region per test: each has its own list file on the shared server. */
function nextRegion(): string {
  region += 1;
  return `eu-north-${region}`;
}

function command(
  kind: ActionRequest['kind'],
  list: NonNullable<ActionRequest['list']>,
  user = ALICE,
): ActionRequest {
  return {
    // A command without a finding: the service names the entry's own chain.
    findingId: 'list:',
    kind,
    actor: { userId: user, teamId: 'T0LOCAL001' },
    source: 'command',
    list,
  };
}

async function fileOf(regionName: string, name: 'threat' | 'trusted' = 'threat') {
  const object = await s3.client.send(
    new GetObjectCommand({ Bucket: s3.bucket, Key: listObjectKey(name, regionName) }),
  );
  return (await object.Body?.transformToString('utf8')) ?? '';
}

function records() {
  return allAuditRecords(harness.store.client, harness.store.tables);
}

describe('Add IP to threat list', () => {
  it('has GuardDuty load the file only from a bucket the stack account owns', async () => {
    await start({ LISTS_BUCKET: s3.bucket, ADMIN_ACCOUNT_ID: '123456789012' });
    const where = nextRegion();
    const { service } = harness.runtime.remediation;
    const add = (entry: string) =>
      service.request(command('add-to-threat-list', { entry, region: where }));
    await add('203.0.113.9');
    await harness.runtime.remediation.idle();
    harness.aws.guardduty
      .on(ListThreatIntelSetsCommand)
      .resolves({ ThreatIntelSetIds: ['ts-1'] })
      .on(GetThreatIntelSetCommand)
      .resolves({ Name: 'guardduty-chatops-threat-list' });
    await add('203.0.113.10');
    await harness.runtime.remediation.idle();

    const location = `https://s3.amazonaws.com/${s3.bucket}/threat-list/${where}.txt`;
    expect(
      harness.aws.guardduty.commandCalls(CreateThreatIntelSetCommand).map((c) => c.args[0].input),
    ).toEqual([
      {
        DetectorId: DETECTOR,
        Name: 'guardduty-chatops-threat-list',
        Format: 'TXT',
        Location: location,
        Activate: true,
        ExpectedBucketOwner: '123456789012',
        ClientToken: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      },
    ]);
    expect(
      harness.aws.guardduty.commandCalls(UpdateThreatIntelSetCommand).map((c) => c.args[0].input),
    ).toEqual([
      {
        DetectorId: DETECTOR,
        ThreatIntelSetId: 'ts-1',
        Location: location,
        Activate: true,
        ExpectedBucketOwner: '123456789012',
      },
    ]);
  });

  it('writes the entry, creates and activates the set the first time, audits both list versions', async () => {
    await start();
    const where = nextRegion();
    const { service } = harness.runtime.remediation;
    const outcome = await service.request(
      command('add-to-threat-list', {
        entry: '203.0.113.9',
        region: where,
        reason: 'C2 from incident 42',
      }),
    );
    expect(outcome).toMatchObject({ kind: 'accepted', dryRun: false });
    await harness.runtime.remediation.idle();
    expect(await fileOf(where)).toBe('203.0.113.9\n');
    const create = harness.aws.guardduty.commandCalls(CreateThreatIntelSetCommand);
    expect(create.map((c) => c.args[0].input)).toEqual([
      {
        DetectorId: DETECTOR,
        Name: 'guardduty-chatops-threat-list',
        Format: 'TXT',
        Location: `https://s3.amazonaws.com/${s3.bucket}/threat-list/${where}.txt`,
        Activate: true,
        ClientToken: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      },
    ]);
    // The region the set lives in: the finding's (here the command's), GuardDuty's client for it.
    const client = harness.aws.guardduty.call(0).thisValue as {
      config: { region(): Promise<string> };
    };
    expect(await client.config.region()).toBe(where);
    const audit = (await records()).filter(
      (r) => r.findingId === listChain('threat', where, '203.0.113.9'),
    );
    expect(audit.map((r) => [r.type, r.result])).toEqual([
      ['request', undefined],
      ['outcome', 'succeeded'],
    ]);
    const done = audit[1]!;
    expect(done.calls?.map((c) => `${c.service}:${c.command}`)).toEqual([
      'guardduty:ListDetectors',
      'guardduty:ListThreatIntelSets',
      'lists:ReadList',
      'lists:AddEntry',
      'guardduty:CreateThreatIntelSet',
    ]);
    expect(done.before).toEqual({
      list: 'threat',
      region: where,
      entry: '203.0.113.9',
      entries: 0,
    });
    expect(done.after).toMatchObject({
      list: 'threat',
      entry: '203.0.113.9',
      listBefore: {},
      listAfter: { etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) as string },
      changed: true,
    });
    const state = await harness.runtime.remediation.subjects.get({
      family: 'threat-list',
      subject: `${where}:threat-list:203.0.113.9`,
    });
    expect(state.applied).toMatchObject({
      by: { userId: ALICE },
      at: NOW.toISOString(),
      undo: { list: 'threat', entry: '203.0.113.9', setId: 'ts-1', reason: 'C2 from incident 42' },
    });
  });

  it('reloads the existing set on a later add, and removing the entry undoes the add', async () => {
    await start();
    const where = nextRegion();
    harness.aws.guardduty
      .on(ListThreatIntelSetsCommand)
      .resolves({ ThreatIntelSetIds: ['other', 'ts-9'] });
    harness.aws.guardduty
      .on(GetThreatIntelSetCommand, { ThreatIntelSetId: 'other' })
      .resolves({ Name: 'vendor-feed' })
      .on(GetThreatIntelSetCommand, { ThreatIntelSetId: 'ts-9' })
      .resolves({ Name: 'guardduty-chatops-threat-list' });
    const { service } = harness.runtime.remediation;
    await service.request(command('add-to-threat-list', { entry: '203.0.113.10', region: where }));
    await harness.runtime.remediation.idle();
    await service.request(
      command('add-to-threat-list', { entry: '2001:db8:1::/48', region: where }),
    );
    await harness.runtime.remediation.idle();
    expect(await fileOf(where)).toBe('203.0.113.10\n2001:db8:1::/48\n');
    await service.request(
      command('remove-from-threat-list', { entry: '203.0.113.10', region: where }),
    );
    await harness.runtime.remediation.idle();
    expect(await fileOf(where)).toBe('2001:db8:1::/48\n');
    expect(harness.aws.guardduty.commandCalls(CreateThreatIntelSetCommand)).toHaveLength(0);
    expect(
      harness.aws.guardduty.commandCalls(UpdateThreatIntelSetCommand).map((c) => c.args[0].input),
    ).toEqual(
      Array(3).fill({
        DetectorId: DETECTOR,
        ThreatIntelSetId: 'ts-9',
        Location: `https://s3.amazonaws.com/${s3.bucket}/threat-list/${where}.txt`,
        Activate: true,
      }),
    );
    const undo = (await records()).filter((r) => r.action === 'remove-from-threat-list');
    expect(undo.map((r) => [r.type, r.result])).toEqual([
      ['undo', undefined],
      ['outcome', 'succeeded'],
    ]);
    const state = await harness.runtime.remediation.subjects.get({
      family: 'threat-list',
      subject: `${where}:threat-list:203.0.113.10`,
    });
    expect(state.applied).toBeUndefined();
  });

  it('20 concurrent adds of different IPs through the worker leave 20 entries', async () => {
    await start();
    const where = nextRegion();
    const { service } = harness.runtime.remediation;
    const ips = Array.from({ length: 20 }, (_, i) => `203.0.113.${100 + i}`);
    const outcomes = await Promise.all(
      ips.map((entry) => service.request(command('add-to-threat-list', { entry, region: where }))),
    );
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    await harness.runtime.remediation.idle();
    expect((await fileOf(where)).trim().split('\n').sort()).toEqual([...ips].sort());
    const outcomesAudited = (await records()).filter(
      (r) => r.findingId.startsWith(`list:threat:${where}:`) && r.type === 'outcome',
    );
    expect(outcomesAudited.map((r) => r.result)).toEqual(Array(20).fill('succeeded'));
  }, 180_000);

  it('refuses a private IP and the organization egress, audited, with nothing written or called', async () => {
    await start();
    const where = nextRegion();
    const { service } = harness.runtime.remediation;
    expect(
      await service.request(command('add-to-threat-list', { entry: '10.0.0.23', region: where })),
    ).toEqual({
      kind: 'refused',
      reason:
        "10.0.0.23 is a private range (RFC 1918) (10.0.0.0/8); GuardDuty's lists only take public addresses",
    });
    expect(
      await service.request(
        command('add-to-threat-list', { entry: '198.51.100.0/24', region: where }),
      ),
    ).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining("organization's own egress address 198.51.100.7") as string,
    });
    expect(harness.aws.guardduty.calls()).toHaveLength(0);
    const refusals = (await records()).filter((r) => r.type === 'refusal');
    expect(refusals.map((r) => [r.actor.userId, r.action, r.target])).toEqual([
      [ALICE, 'add-to-threat-list', '10.0.0.23'],
      [ALICE, 'add-to-threat-list', '198.51.100.0/24'],
    ]);
  });

  it('refuses a non-responder before anything else', async () => {
    await start();
    const outcome = await harness.runtime.remediation.service.request(
      command('add-to-threat-list', { entry: '203.0.113.9', region: nextRegion() }, BOB),
    );
    expect(outcome).toMatchObject({ kind: 'refused', askResponders: true });
  });

  it("enforces GuardDuty's six threat lists per Region: a seventh set is refused, audited", async () => {
    await start();
    const where = nextRegion();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    harness.aws.guardduty.on(ListThreatIntelSetsCommand).resolves({ ThreatIntelSetIds: ids });
    harness.aws.guardduty.on(GetThreatIntelSetCommand).resolves({ Name: 'vendor-feed' });
    await harness.runtime.remediation.service.request(
      command('add-to-threat-list', { entry: '203.0.113.9', region: where }),
    );
    await harness.runtime.remediation.idle();
    expect(harness.aws.guardduty.commandCalls(CreateThreatIntelSetCommand)).toHaveLength(0);
    const last = (await records()).at(-1)!;
    expect(last).toMatchObject({
      type: 'refusal',
      result: `GuardDuty takes at most 6 threat lists per account and Region, and the detector in ${where} has 6 already (none of them this bot's); remove one in GuardDuty first`,
    });
    await expect(fileOf(where)).rejects.toThrow();
  });
});

describe('Trust IP', () => {
  const expiresAt = new Date(NOW.getTime() + 7 * 86_400_000).toISOString();

  it('needs a reason and an expiry, refuses wider than a /24 unless the whole range is meant', async () => {
    await start();
    const where = nextRegion();
    const { service } = harness.runtime.remediation;
    expect(
      await service.request(command('trust-ip', { entry: '203.0.113.50', region: where })),
    ).toEqual({ kind: 'invalid', reason: 'say why this IP is trusted (a reason is required)' });
    expect(
      await service.request(
        command('trust-ip', {
          entry: '203.0.112.0/23',
          region: where,
          reason: 'scanner',
          expiresAt,
        }),
      ),
    ).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('is wider than a /24 (512 addresses)') as string,
    });
    const refusal = (await records()).find((r) => r.type === 'refusal');
    expect(refusal).toMatchObject({
      action: 'trust-ip',
      target: '203.0.112.0/23',
      actor: { userId: ALICE },
    });
    const accepted = await service.request(
      command('trust-ip', {
        entry: '203.0.112.0/23',
        region: where,
        reason: 'our scanner range',
        expiresAt,
        wholeRange: true,
      }),
    );
    expect(accepted).toMatchObject({ kind: 'accepted' });
    await harness.runtime.remediation.idle();
    expect(await fileOf(where, 'trusted')).toBe('203.0.112.0/23\n');
    expect(
      harness.aws.guardduty.commandCalls(CreateIPSetCommand).map((c) => c.args[0].input),
    ).toEqual([
      {
        DetectorId: DETECTOR,
        Name: 'guardduty-chatops-trusted-ips',
        Format: 'TXT',
        Location: `https://s3.amazonaws.com/${s3.bucket}/trusted-ips/${where}.txt`,
        Activate: true,
        ClientToken: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      },
    ]);
    const state = await harness.runtime.remediation.subjects.get({
      family: 'trust-ip',
      subject: `${where}:trust-ip:203.0.112.0/23`,
    });
    expect(state.applied?.undo).toMatchObject({
      expiresAt,
      reason: 'our scanner range',
      wholeRange: true,
    });
  });
});
