import {
  CreateThreatIntelSetCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListThreatIntelSetsCommand,
  UpdateThreatIntelSetCommand,
} from '@aws-sdk/client-guardduty';
import { registerCommands } from '../../../src/bot/commands/register';
import { parseCommand } from '../../../src/bot/commands/parse';
import { commandDeps } from '../../../src/app/botListeners';
import { SdkGuardDutyReader } from '../../../src/aws/guardDutyFindings';
import { S3IpLists } from '../../../src/aws/s3IpLists';
import { silentLog } from '../../../src/shared/log';
import { startLocalS3, type LocalS3 } from '../../../harness/localS3';
import { allAuditRecords } from '../../../harness/store';
import { responseUrlAnswers, waitForResponses } from '../../../harness/commandHarness';
import { fixtureFinding } from '../../../harness/fixtures';
import { ALICE, BOB, CHANNEL, startBotHarness, type BotHarness } from '../../helpers/bot';
import { contextTexts } from '../interactions/support';

/**
 * `/guardduty threatlist` and `/guardduty trust` end to end: signed slash commands over HTTP to
 * the real Bolt app, the remediation service and worker, the list files on a real S3-compatible
 * server, GuardDuty mocked at the SDK boundary.
 */

let s3: LocalS3;
let bot: BotHarness;

beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());

beforeEach(async () => {
  const lists = new S3IpLists({ client: s3.client, bucket: s3.bucket });
  bot = await startBotHarness({
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
  bot.aws.guardduty.on(ListThreatIntelSetsCommand).resolves({ ThreatIntelSetIds: [] });
  bot.aws.guardduty.on(CreateThreatIntelSetCommand).resolves({ ThreatIntelSetId: 'ts-1' });
  bot.aws.guardduty.on(UpdateThreatIntelSetCommand).resolves({});
});
afterEach(() => bot.close());

async function slash(text: string, user = ALICE): Promise<string[]> {
  const before = responseUrlAnswers(bot.slack).length;
  const answer = await bot.slack.runSlashCommand({ user, channel: CHANNEL, text });
  expect(answer.status).toBe(200);
  await waitForResponses(bot.slack, before + 1);
  await bot.idle();
  return responseUrlAnswers(bot.slack)
    .slice(before)
    .map((m) => m.text);
}

describe('/guardduty threatlist', () => {
  it('adds, lists and removes an entry, each audited on the entry’s own chain', async () => {
    const added = await slash('threatlist add 203.0.113.9 --reason "C2 from incident 42"');
    expect(added[0]).toBe(
      ':hourglass_flowing_sand: Add IP to threat list `203.0.113.9` requested. The result follows here.',
    );
    expect(added.at(-1)).toBe('Add IP to threat list succeeded');
    const listed = await slash('threatlist list');
    expect(listed).toEqual(['Threat list: 1 entries']);
    const answers = responseUrlAnswers(bot.slack);
    expect(JSON.stringify(answers.at(-1)?.blocks)).toContain('• `203.0.113.9`');
    const removed = await slash('threatlist remove 203.0.113.9');
    expect(removed.at(-1)).toBe('Remove from threat list succeeded');
    expect(await slash('threatlist list')).toEqual([
      '*Threat list* in `us-east-1`: 0 entries. Add one with `/guardduty threatlist add IP`.',
    ]);
    const records = await allAuditRecords(bot.store.client, bot.store.tables);
    expect(
      records
        .filter((r) => r.findingId === 'list:threat:us-east-1:203.0.113.9')
        .map((r) => [r.type, r.action, r.result]),
    ).toEqual([
      ['request', 'add-to-threat-list', undefined],
      ['outcome', 'add-to-threat-list', 'succeeded'],
      ['undo', 'remove-from-threat-list', undefined],
      ['outcome', 'remove-from-threat-list', 'succeeded'],
    ]);
  });

  it('refuses a private IP with the reason, audited, and a non-responder with whom to ask', async () => {
    expect(await slash('threatlist add 10.0.0.23')).toEqual([
      ":no_entry: Add IP to threat list `10.0.0.23` refused: 10.0.0.23 is a private range (RFC 1918) (10.0.0.0/8); GuardDuty's lists only take public addresses",
    ]);
    const [refusal] = await slash('threatlist add 203.0.113.9', BOB);
    expect(refusal).toMatch(
      /^:no_entry: Add IP to threat list `203\.0\.113\.9` refused: only responders/,
    );
    const records = await allAuditRecords(bot.store.client, bot.store.tables);
    expect(
      records.filter((r) => r.type === 'refusal').map((r) => [r.actor.userId, r.target]),
    ).toEqual([
      [ALICE, '10.0.0.23'],
      [BOB, 'list:'],
    ]);
    expect(bot.aws.guardduty.calls()).toHaveLength(0);
  });
});

describe('lists per region, and ranges', () => {
  it("changes the region's list with --region, and marks a later finding from inside a listed range", async () => {
    const added = await slash(
      'threatlist add 203.0.113.0/24 --region us-east-2 --reason "the whole C2 block"',
    );
    expect(added.at(-1)).toBe('Add IP to threat list succeeded');
    // That region's detector and file; the stack's own region is untouched.
    expect(
      bot.aws.guardduty
        .commandCalls(CreateThreatIntelSetCommand)
        .map((c) => [c.args[0].input.DetectorId, c.args[0].input.Location]),
    ).toEqual([['det-1', expect.stringContaining('/threat-list/us-east-2.txt') as unknown]]);
    expect(await slash('threatlist list --region us-east-2')).toEqual(['Threat list: 1 entries']);
    expect(JSON.stringify(responseUrlAnswers(bot.slack).at(-1)?.blocks)).toContain(
      '• `203.0.113.0/24`',
    );
    expect(await slash('threatlist list')).toEqual([
      '*Threat list* in `us-east-1`: 0 entries. Add one with `/guardduty threatlist add IP`.',
    ]);

    // Remote IP 203.0.113.77, us-east-2: inside the range.
    const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    await bot.post(finding);
    expect(contextTexts(await bot.message(finding.id))).toEqual([
      ':dart: `203.0.113.77` is inside `203.0.113.0/24`, which is on your threat list since 2026-11-21, added by <@U0ALICE>: the whole C2 block',
    ]);
    // The same range in another region's list marks nothing here.
    const elsewhere = { ...finding, id: 'e1b2c3d4e5f60718293a4b5c6d7e8f94', region: 'eu-west-1' };
    await bot.post(elsewhere);
    expect(contextTexts(await bot.message(elsewhere.id))).toEqual([]);
  });
});

describe('/guardduty trust', () => {
  it('refuses a range wider than a /24 unless --whole-range, and wants a reason and an expiry', async () => {
    expect(await slash('trust add 203.0.113.20')).toEqual([
      ':warning: Trust IP `203.0.113.20` is not possible: say why this IP is trusted (a reason is required)',
    ]);
    const [wide] = await slash('trust add 203.0.112.0/23 --reason scanners --expires 2026-11-30');
    expect(wide).toContain('refused: 203.0.112.0/23 is wider than a /24 (512 addresses)');
  });
});

describe('parsing', () => {
  it.each([
    ['threatlist', '`threatlist` takes `list`, `add IP` or `remove IP`'],
    ['threatlist add', '`threatlist add` needs an IP address or CIDR range'],
    ['threatlist add <!channel>', 'not an IPv4 or IPv6 address or CIDR range'],
    ['trust add 203.0.113.9 --expires 2026-02-30', 'give the day the trust ends as YYYY-MM-DD'],
    ['trust remove 203.0.113.9 --reason x', '`trust remove` takes only the address or range'],
    ['threatlist list --reason x', '`threatlist list` takes only `--region`'],
    ['threatlist list --region mars-1', 'an AWS region such as'],
  ])('%s is refused: %s', (text, reason) => {
    const parsed = parseCommand(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.text).toContain(reason);
  });

  it('reads a trust with its reason, expiry (end of that day, UTC) and whole range', () => {
    expect(
      parseCommand(
        'trust add 203.0.112.0/23 --reason "our scanners" --expires 2026-12-31 --whole-range',
      ),
    ).toEqual({
      ok: true,
      command: {
        kind: 'trust',
        action: 'add',
        entry: '203.0.112.0/23',
        reason: 'our scanners',
        expiresAt: '2026-12-31T23:59:59.000Z',
        wholeRange: true,
      },
    });
  });
});
