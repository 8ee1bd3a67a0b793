import {
  CreateIPSetCommand,
  CreateThreatIntelSetCommand,
  ListDetectorsCommand,
  ListIPSetsCommand,
  ListThreatIntelSetsCommand,
} from '@aws-sdk/client-guardduty';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { fixtureFinding } from '../../../harness/fixtures';
import { startLocalS3, type LocalS3 } from '../../../harness/localS3';
import { listObjectKey } from '../../../src/actions/lists/listFile';
import { S3IpLists } from '../../../src/aws/s3IpLists';
import { ALICE, BOB, startBotHarness, type BotHarness } from '../../helpers/bot';
import { renderFindingDetails, type ScoreView } from '../../../src/bot/render/finding';
import { actionIds, auditRecords, blocksOf, contextTexts } from './support';

/**
 * The list buttons as a responder uses them: signed clicks and a modal through the local Slack,
 * the worker in process, the list files on a real S3-compatible server, GuardDuty mocked at the
 * SDK boundary. A later finding from the same IP carries the mark.
 */

// Remote IP 203.0.113.77, us-east-2.
const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const later = {
  ...finding,
  id: 'b1b2c3d4e5f60718293a4b5c6d7e8f91',
  title: 'The same caller again',
};

let s3: LocalS3;
let bot: BotHarness;
beforeEach(async () => {
  // A bucket of its own per test: the list files start empty.
  s3 = await startLocalS3();
  bot = await startBotHarness({ lists: new S3IpLists({ client: s3.client, bucket: s3.bucket }) });
  bot.aws.guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['det-1'] });
  bot.aws.guardduty.on(ListThreatIntelSetsCommand).resolves({ ThreatIntelSetIds: [] });
  bot.aws.guardduty.on(ListIPSetsCommand).resolves({ IpSetIds: [] });
  bot.aws.guardduty.on(CreateThreatIntelSetCommand).resolves({ ThreatIntelSetId: 'ts-1' });
  bot.aws.guardduty.on(CreateIPSetCommand).resolves({ IpSetId: 'ip-1' });
  await bot.post(finding);
});
afterEach(async () => {
  await bot.close();
  await s3.close();
});

async function fileOf(list: 'threat' | 'trusted'): Promise<string> {
  const object = await s3.client.send(
    new GetObjectCommand({ Bucket: s3.bucket, Key: listObjectKey(list, 'us-east-2') }),
  );
  return (await object.Body?.transformToString('utf8')) ?? '';
}

describe('Add IP to threat list', () => {
  it('is behind a confirm naming the IP, writes the list, and marks a later finding from the IP', async () => {
    const buttons = blocksOf(await bot.message(finding.id)) as {
      block_id?: string;
      elements?: { action_id?: string; confirm?: { text: { text: string } } }[];
    }[];
    const add = buttons
      .find((b) => b.block_id === 'finding_actions')
      ?.elements?.find((e) => e.action_id === 'remediate:add-to-threat-list');
    expect(add?.confirm?.text.text).toBe(
      "Add `203.0.113.77` to this account's GuardDuty threat list in `us-east-2`? GuardDuty then raises a finding for any activity with it.",
    );
    await bot.click(ALICE, finding.id, 'remediate:add-to-threat-list');
    await bot.idle();
    expect(await fileOf('threat')).toBe('203.0.113.77\n');
    expect(bot.aws.guardduty.commandCalls(CreateThreatIntelSetCommand)).toHaveLength(1);
    expect(actionIds(await bot.message(finding.id))).toContain('remediate:remove-from-threat-list');

    await bot.post(later);
    expect(contextTexts(await bot.message(later.id))).toContain(
      '🎯 `203.0.113.77` is on your threat list since 2026-11-21, added by <@U0ALICE>'.replace(
        '🎯',
        ':dart:',
      ),
    );
    expect(actionIds(await bot.message(later.id))).toContain('remediate:remove-from-threat-list');
  });

  it('refuses bob, audited, and writes nothing', async () => {
    await bot.click(BOB, finding.id, 'remediate:add-to-threat-list');
    await bot.idle();
    await expect(fileOf('threat')).rejects.toThrow();
    const refusals = (await auditRecords(bot)).filter((r) => r.type === 'refusal');
    expect(refusals.map((r) => [r.actor.userId, r.action])).toEqual([[BOB, 'add-to-threat-list']]);
  });
});

describe('Trust IP', () => {
  it('asks for a reason and an expiry in a modal, then trusts the IP until then', async () => {
    await bot.click(ALICE, finding.id, 'remediate:trust-ip');
    await bot.idle();
    const open = bot.slack.views.list().find((v) => v.user === ALICE);
    expect(open?.view.callback_id).toBe('remediate:trust-ip');
    const rejected = await bot.slack.submitView({
      user: ALICE,
      viewId: open!.view.id,
      values: { trust_reason: { value: 'scanner' }, trust_expires: { value: '2026-11-20' } },
    });
    expect(rejected.status).toBe(200);
    expect(bot.slack.views.get(open!.view.id)?.errors).toEqual({
      trust_expires: 'Pick a date after today.',
    });
    await bot.slack.submitView({
      user: ALICE,
      viewId: open!.view.id,
      values: {
        trust_reason: { value: 'our weekly scanner' },
        trust_expires: { value: '2026-11-28' },
      },
    });
    await bot.idle();
    expect(await fileOf('trusted')).toBe('203.0.113.77\n');
    expect(contextTexts(await bot.message(finding.id))).toContain(
      ':handshake: `203.0.113.77` is on your trusted IP list since 2026-11-21 until 2026-11-28, added by <@U0ALICE>: our weekly scanner — GuardDuty makes no findings for it',
    );
    const outcome = (await auditRecords(bot)).find(
      (r) => r.action === 'trust-ip' && r.type === 'outcome',
    );
    expect(outcome).toMatchObject({
      result: 'succeeded',
      actor: { userId: ALICE },
      target: '203.0.113.77',
      after: { list: 'trusted', entry: '203.0.113.77', changed: true },
    });
  });
});

describe("GuardDuty's own threat intelligence", () => {
  it('is shown under the remote IP in the Details reply, as inert text', async () => {
    const flagged = {
      ...finding,
      id: 'd1b2c3d4e5f60718293a4b5c6d7e8f93',
      service: {
        ...finding.service,
        evidence: {
          threatIntelligenceDetails: [
            { threatListName: 'ProofPoint', threatNames: ['Emerging <!channel> *Threats*'] },
          ],
        },
      },
    };
    await bot.post(flagged);
    const record = (await bot.runtime.findings.get(flagged.id))!;
    const details = renderFindingDetails(flagged, JSON.parse(record.score) as ScoreView);
    const text = JSON.stringify(details.blocks);
    expect(text).toContain(
      ":rotating_light: On GuardDuty's `ProofPoint` list: `Emerging &lt;!channel&gt; *Threats*`",
    );
    expect(text).not.toContain('<!channel>');
  });
});
