import {
  CreateIPSetCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListIPSetsCommand,
  UpdateIPSetCommand,
} from '@aws-sdk/client-guardduty';
import { STACK_ACTOR } from '../../src/actions/expiry';
import { intentId, type IntentRequest } from '../../src/actions/intents';
import { commandDeps } from '../../src/app/botListeners';
import { SdkGuardDutyReader } from '../../src/aws/guardDutyFindings';
import { S3IpLists } from '../../src/aws/s3IpLists';
import { registerCommands } from '../../src/bot/commands/register';
import { silentLog } from '../../src/shared/log';
import { DynamoSuppressionExpiries } from '../../src/store/dynamoSuppressionExpiries';
import { waitForResponses, responseUrlAnswers } from '../../harness/commandHarness';
import { fixtureFinding } from '../../harness/fixtures';
import { startLocalS3, type LocalS3 } from '../../harness/localS3';
import { ALICE, CHANNEL, NOW, startBotHarness, type BotHarness } from '../helpers/bot';
import { auditRecords, contextTexts, threadTexts } from '../bot/interactions/support';

/**
 * A trusted IP's end, through the local stack: the real Bolt app and the trust modal, the
 * worker, dynalite, the list files on a real S3-compatible server (s3rver), GuardDuty mocked at
 * the SDK client. The clock is the test's. Like a suppression's expiry (`expiry.test.ts`), the
 * stack removes the entry and reloads the set once, even when two runs overlap.
 */

// Remote IP 203.0.113.77, us-east-2.
const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const IP = '203.0.113.77';
const subject = `us-east-2:trust-ip:${IP}`;

let s3: LocalS3;
let lists: S3IpLists;
let bot: BotHarness;
let now: Date;

beforeEach(async () => {
  now = NOW;
  s3 = await startLocalS3();
  lists = new S3IpLists({ client: s3.client, bucket: s3.bucket });
  bot = await startBotHarness({
    clock: () => now,
    lists,
    register: [
      (app, runtime, config) =>
        registerCommands(
          app,
          commandDeps({
            config,
            runtime,
            log: silentLog,
            guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-1' })),
            lists,
          }),
        ),
    ],
  });
  bot.aws.guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['det-1'] });
  bot.aws.guardduty.on(ListIPSetsCommand).resolves({ IpSetIds: [] });
  bot.aws.guardduty.on(CreateIPSetCommand).resolves({ IpSetId: 'ip-1' });
  bot.aws.guardduty.on(UpdateIPSetCommand).callsFake(async () => {
    // Slow enough for the two runs to overlap for real.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { $metadata: { requestId: 'req-reload' } };
  });
  await bot.post(finding);
});
afterEach(async () => {
  await bot.close();
  await s3.close();
});

/** Alice trusts the finding's remote IP until the end of `until` through the modal. */
async function trustUntil(until: string): Promise<void> {
  await bot.click(ALICE, finding.id, 'remediate:trust-ip');
  await bot.idle();
  const open = bot.slack.views.list().find((v) => v.user === ALICE)!;
  await bot.slack.submitView({
    user: ALICE,
    viewId: open.view.id,
    values: { trust_reason: { value: 'our weekly scanner' }, trust_expires: { value: until } },
  });
  await bot.idle();
}

const expiries = () => new DynamoSuppressionExpiries(bot.store.client, bot.store.tables.health);
const reloads = () =>
  bot.aws.guardduty.commandCalls(UpdateIPSetCommand).map((c) => c.args[0].input);
const trusted = async (region = 'us-east-2') => (await lists.read('trusted', region)).entries;

describe('trust expiry', () => {
  it('removes the entry and reloads the set exactly once when two runs overlap; audited as the stack, noted in the thread', async () => {
    await trustUntil('2026-11-28');
    expect(await trusted()).toEqual([IP]);
    expect(await expiries().due('2026-11-28')).toEqual([
      { expiresAt: '2026-11-28', subject, findingId: finding.id, family: 'trust-ip' },
    ]);

    // The day it ends, before its end: due, not yet removed.
    now = new Date('2026-11-28T12:00:00Z');
    expect((await bot.runtime.remediation.expiry.run()).map((r) => r.kind)).toEqual(['not-yet']);
    expect(await trusted()).toEqual([IP]);

    now = new Date('2026-11-29T00:05:00Z');
    const { expiry } = bot.runtime.remediation;
    const [first, second] = await Promise.all([expiry.run(), expiry.run()]);
    await bot.idle();

    expect(await trusted()).toEqual([]);
    expect(reloads()).toEqual([
      {
        DetectorId: 'det-1',
        IpSetId: 'ip-1',
        Location: expect.stringContaining('trusted-ips/us-east-2.txt') as unknown,
        Activate: true,
      },
    ]);
    expect([...first, ...second].filter((r) => r.kind === 'deleted')).not.toHaveLength(0);
    const automatic = (await auditRecords(bot)).filter((r) => r.action === 'untrust-ip');
    expect(automatic.map((r) => [r.type, r.actor.userId, r.source, r.result])).toEqual([
      ['undo', STACK_ACTOR.userId, 'expiry', undefined],
      ['outcome', STACK_ACTOR.userId, undefined, 'succeeded'],
    ]);
    expect(automatic[1]).toMatchObject({
      intentId: intentId('untrust-ip', subject, 1),
      target: IP,
      awsRequestIds: expect.arrayContaining(['req-reload']) as unknown,
      dryRun: false,
      after: { list: 'trusted', entry: IP, changed: true },
    });
    const replies = await threadTexts(bot, finding.id);
    expect(replies.filter((r) => r.includes('No longer trusted'))).toEqual([
      expect.stringContaining(
        ':white_check_mark: *No longer trusted* by the stack, as the trust has ended at 00:05 UTC',
      ) as unknown,
    ]);
    expect(contextTexts(await bot.message(finding.id))).toEqual([
      ':leftwards_arrow_with_hook: No longer trusted by guardduty-chatops (automatic) at 00:05 UTC',
    ]);

    // Later runs find nothing to do.
    now = new Date('2026-11-29T01:05:00Z');
    expect(await expiry.run()).toEqual([]);
    expect(reloads()).toHaveLength(1);
    expect(await expiries().due('2026-12-31')).toEqual([]);
  });

  it('forgets a trust stopped by hand before its end', async () => {
    await trustUntil('2026-11-28');
    await bot.click(ALICE, finding.id, 'remediate:untrust-ip');
    await bot.idle();
    expect(await trusted()).toEqual([]);
    now = new Date('2026-11-29T00:05:00Z');
    expect((await bot.runtime.remediation.expiry.run()).map((r) => r.kind)).toEqual(['gone']);
    expect(reloads()).toHaveLength(1);
    expect(await expiries().due('2099-01-01')).toEqual([]);
  });

  it('ends a trust made with the command, and says so in the channel', async () => {
    const before = responseUrlAnswers(bot.slack).length;
    await bot.slack.runSlashCommand({
      user: ALICE,
      channel: CHANNEL,
      text: 'trust add 198.51.100.7 --reason "partner scanner" --expires 2026-11-25',
    });
    await waitForResponses(bot.slack, before + 2);
    await bot.idle();
    expect(await trusted('us-east-1')).toEqual(['198.51.100.7']);

    now = new Date('2026-11-26T00:05:00Z');
    expect((await bot.runtime.remediation.expiry.run()).map((r) => r.kind)).toEqual(['deleted']);
    await bot.idle();
    expect(await trusted('us-east-1')).toEqual([]);
    // No message and no response_url to answer: the channel is told.
    const posted = bot.slack.workspace
      .history(CHANNEL)
      .filter((m) => m.text === 'Stop trusting IP succeeded')
      .map((m) => JSON.stringify(m.blocks));
    expect(posted).toEqual([
      expect.stringContaining(
        '*No longer trusted* by the stack, as the trust has ended',
      ) as unknown,
    ]);
    const records = (await auditRecords(bot)).filter((r) => r.action === 'untrust-ip');
    expect(records.map((r) => [r.findingId, r.actor.userId, r.result])).toEqual([
      ['list:trusted:us-east-1:198.51.100.7', STACK_ACTOR.userId, undefined],
      ['list:trusted:us-east-1:198.51.100.7', STACK_ACTOR.userId, 'succeeded'],
    ]);
  });

  it('refuses an automatic request for a trust that has not ended, audited', async () => {
    await trustUntil('2026-11-28');
    const { intents, worker } = bot.runtime.remediation;
    // As the internet-facing function's role could write it, the day before the trust ends.
    now = new Date('2026-11-27T12:00:00Z');
    const forged: IntentRequest = {
      id: intentId('untrust-ip', subject, 1),
      findingId: finding.id,
      kind: 'untrust-ip',
      subject,
      target: IP,
      version: 1,
      actor: STACK_ACTOR,
      source: 'expiry',
      requestedAt: now.toISOString(),
      dryRun: false,
      list: { entry: IP, region: 'us-east-2' },
    };
    await intents.create(forged);
    await worker.run(forged.id);
    await bot.idle();
    expect(await trusted()).toEqual([IP]);
    expect((await auditRecords(bot)).at(-1)).toMatchObject({
      type: 'refusal',
      actor: { userId: STACK_ACTOR.userId },
      result: expect.stringMatching(
        /^the trust ends at 2026-11-28T23:59:59(\.000)?Z, not yet$/,
      ) as unknown,
    });
  });
});
