import {
  GetFindingsCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkGuardDutyReader } from '../../../src/aws/guardDutyFindings';
import { createScorer } from '../../../src/ipinsights/factory';
import {
  ALICE,
  BOB,
  OTHER_CHANNEL,
  startCommandHarness,
  type CommandHarness,
} from '../../../harness/commandHarness';

/**
 * `/guardduty` reads findings, the audit log and the bot's health: in the security channel
 * anyone there may ask; elsewhere only responders and viewers. A finding GuardDuty has but that
 * was never posted is shown to responders only.
 */
const guardduty = mockClient(GuardDutyClient);
let h: CommandHarness;

beforeAll(async () => {
  h = await startCommandHarness({
    guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
    scorer: await createScorer({}, {}),
    clock: () => new Date('2026-11-25T08:00:00.000Z'),
  });
});
afterAll(() => h.close());
beforeEach(() => {
  guardduty.reset();
  guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
  guardduty.on(GetFindingsCommand).resolves({ Findings: [] });
});

const refusal = (subcommand: string) => ({
  response_type: 'ephemeral',
  text: expect.stringContaining(
    `:no_entry: \`/guardduty ${subcommand}\` answers in <#C0SECURITY>`,
  ) as string,
  blocks: [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:no_entry: \`/guardduty ${subcommand}\` answers in <#C0SECURITY> or to responders and viewers; ask a responder: <@${ALICE}>`,
        verbatim: true,
      },
    },
  ],
});

describe('who may read through /guardduty', () => {
  it.each([
    'list',
    'stats',
    'audit',
    'status',
    'show 0123456789abcdef0123456789abcdef',
    'score AIDAEXAMPLE 203.0.113.7',
  ])(
    'refuses `%s` to a non-responder outside the security channel, reading nothing',
    async (text) => {
      const subcommand = text.split(' ')[0]!;
      const result = await h.run(text, BOB, OTHER_CHANNEL);
      expect(result).toEqual({ status: 200, ack: refusal(subcommand) });
      expect(guardduty.commandCalls(GetFindingsCommand)).toHaveLength(0);
      expect(h.audit.queries).toEqual([]);
    },
  );

  it('answers anyone in the security channel, and a responder anywhere', async () => {
    expect((await h.run('list', BOB)).ack).toBeUndefined();
    expect((await h.run('list', ALICE, OTHER_CHANNEL)).ack).toBeUndefined();
    expect((await h.run('help', BOB, OTHER_CHANNEL)).ack).toMatchObject({
      response_type: 'ephemeral',
    });
  });

  it('shows a finding never posted to responders only, without asking GuardDuty for anyone else', async () => {
    const answer = await h.runAndWait('show 0123456789abcdef0123456789abcdef', BOB);
    expect(answer.text).toContain(
      'was never posted here; only responders may look up other findings in GuardDuty',
    );
    expect(guardduty.commandCalls(GetFindingsCommand)).toHaveLength(0);
    const forAlice = await h.runAndWait('show 0123456789abcdef0123456789abcdef', ALICE);
    expect(forAlice.text).toContain('No finding');
    expect(guardduty.commandCalls(GetFindingsCommand)).toHaveLength(1);
  });
});
