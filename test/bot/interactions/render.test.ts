import type { IntentOutcome, Intent } from '../../../src/actions/intents';
import { initialState, type RemediationState } from '../../../src/actions/remediationState';
import { remediationButtons } from '../../../src/bot/interactions/buttons';
import { parseButton } from '../../../src/bot/interactions/ids';
import { outcomeReply, outcomeThreadReply } from '../../../src/bot/interactions/replies';
import { stateBadges, statusLines } from '../../../src/bot/interactions/statusLines';
import type { ModalView } from '@slack/types';
import { defaultCriteria } from '../../../src/actions/targets';
import type { Finding } from '../../../src/findings';
import {
  parseSuppressSubmission,
  suppressModal,
} from '../../../src/bot/interactions/suppressModal';
import { renderFinding } from '../../../src/bot/render/finding';
import { parseFindingInput } from '../../../src/findings';
import { blockKitViolations, textObjects } from '../../helpers/blockKit';
import { fixtureFinding, rawFinding } from '../../../harness/fixtures';

const HOSTILE = '<!channel> <@U0ADMIN> *bold* `tick` <https://evil.example|click> & ```';

/** A finding whose user name an attacker chose: no mention, link or broadcast may come of it. */
const hostile = parseFindingInput({
  ...rawFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json'),
  resource: {
    resourceType: 'AccessKey',
    accessKeyDetails: {
      accessKeyId: 'AKIA123456789EXAMPLE',
      principalId: 'AIDA123456789EXAMPLE',
      userName: HOSTILE,
      userType: 'IAMUser',
    },
  },
}).finding;

function expectNoMarkup(texts: readonly string[]) {
  for (const text of texts) {
    expect(text).not.toMatch(/<!|<@U0ADMIN|<https:\/\/evil|https:\/\/evil/);
  }
}

describe('remediation rendering with hostile finding text', () => {
  it('keeps buttons and confirm dialogs inert and within Block Kit limits', () => {
    const buttons = remediationButtons(hostile, initialState(hostile.id));
    const message = renderFinding(hostile, { score: { reading: 'Unscored' }, buttons });
    expect(blockKitViolations(message)).toEqual([]);
    const confirm = buttons.find((b) => b.action_id === 'remediate:disable-key')?.confirm;
    expect(confirm?.text.text).toBe(
      'Set access key `AKIA123456789EXAMPLE` of IAM user `&lt;!channel&gt; &lt;@U0ADMIN&gt; *bold* ˋtickˋ &lt;https[:]//evil.example|cl…` to *Inactive*? Anything using it stops working at once.',
    );
    expectNoMarkup(textObjects(message.blocks).map((t) => t.text));
  });

  it('escapes errors, names and parameters in status lines and the thread reply', () => {
    const state: RemediationState = {
      ...initialState(hostile.id),
      versions: { 'disable-key': 1 },
      latest: {
        'disable-key': {
          intentId: 'i-1',
          kind: 'disable-key',
          version: 0,
          status: 'failed',
          by: { userId: 'not-a-user-id', teamId: 'T1', userName: '<!here>' },
          requestedAt: '2026-11-21T14:02:00.000Z',
          finishedAt: '2026-11-21T14:03:00.000Z',
          dryRun: false,
          error: HOSTILE,
        },
      },
    };
    const lines = statusLines(state);
    expect(lines).toEqual([
      ':warning: Disable access key by &lt;!here&gt; failed at 14:03 UTC: &lt;!channel&gt; &lt;@U0ADMIN&gt; ∗bold∗ ‵tick‵ &lt;https[:]//evil[.]example|click&gt; &amp; ‵‵‵ — details in the thread; the button is back to try again.',
    ]);
    const intent = {
      id: 'i-1',
      findingId: hostile.id,
      kind: 'disable-key',
      target: 'AKIA123456789EXAMPLE',
      version: 0,
      status: 'failed',
      actor: { userId: 'U0ALICE', teamId: 'T1' },
      source: 'button',
      dryRun: false,
      requestedAt: '2026-11-21T14:02:00.000Z',
      subject: `${hostile.accountId}:access-key:AKIA123456789EXAMPLE`,
    } satisfies Intent;
    const outcome: IntentOutcome = {
      status: 'failed',
      refused: false,
      calls: [
        {
          service: 'iam',
          command: 'UpdateAccessKey',
          input: { UserName: HOSTILE, AccessKeyId: 'AKIA123456789EXAMPLE', Status: 'Inactive' },
        },
      ],
      before: { userName: HOSTILE },
      after: {},
      error: HOSTILE,
      auditSeq: 7,
      auditHash: 'ab'.repeat(32),
    };
    const reply = outcomeThreadReply(intent, hostile, outcome);
    const texts = textObjects(reply.blocks).map((t) => t.text);
    expectNoMarkup(texts);
    expect(texts.join('\n')).toContain('Audit record #7 · hash `abababababababab`');
  });

  const NOBODY = { users: [], groups: [] };

  it('answers duplicates with who and when', () => {
    const by = { userId: 'U0ALICE', teamId: 'T1' };
    expect(
      outcomeReply(
        'quarantine',
        {
          kind: 'duplicate',
          by,
          at: '2026-11-21T14:02:00Z',
          status: 'running',
        },
        NOBODY,
      ),
    ).toBe('Already being quarantined by <@U0ALICE> since 14:02 UTC.');
    expect(
      outcomeReply(
        'archive',
        {
          kind: 'duplicate',
          by,
          at: '2026-11-21T14:02:00Z',
          status: 'succeeded',
        },
        NOBODY,
      ),
    ).toBe('Already archived by <@U0ALICE> at 14:02 UTC.');
  });
});

describe('state badges', () => {
  const by = { userId: 'U0ALICE', teamId: 'T1' };
  const applied = (dryRun: boolean, partial = false) => ({
    intentId: 'i',
    by,
    at: '2026-11-21T14:02:00Z',
    dryRun,
    target: 't',
    undo: {},
    ...(partial ? { partial } : {}),
  });

  it('names what is in force, in the order of the buttons, dry runs and half-done ones as such', () => {
    const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    const state = {
      findingId: finding.id,
      versions: {},
      latest: {},
      applied: {
        quarantine: applied(false, true),
        'disable-key': applied(true),
        suppress: applied(false),
      },
    };
    expect(stateBadges(finding, state)).toEqual([
      'SUPPRESSED',
      'KEY DISABLED (DRY RUN)',
      'PARTLY QUARANTINED',
    ]);
    expect(stateBadges(finding, { ...state, applied: {} })).toEqual([]);
  });

  it('says ARCHIVED for a finding archived in GuardDuty itself', () => {
    const raw = rawFinding('Recon_EC2_Portscan.json');
    (raw.service as { archived: boolean }).archived = true;
    const finding = parseFindingInput(raw).finding;
    expect(
      stateBadges(finding, { findingId: finding.id, versions: {}, latest: {}, applied: {} }),
    ).toEqual(['ARCHIVED']);
  });
});

describe('refusals name who can act', () => {
  const refused = { kind: 'refused' as const, reason: 'only responders may remediate findings' };

  it('asks the responders, groups first, as mentions; never a setting name', () => {
    const reply = outcomeReply(
      'archive',
      { ...refused, askResponders: true },
      { users: ['U0ALICE', 'not-an-id'], groups: ['S0ONCALL'] },
    );
    expect(reply).toBe(
      ':no_entry: Archive refused: only responders may remediate findings; ask a responder: <!subteam^S0ONCALL>, <@U0ALICE>',
    );
    expect(reply).not.toMatch(/RESPONDERS|[A-Z]{4,}_[A-Z]/);
  });

  it('names five and counts the rest; says who to ask when none is named', () => {
    const users = ['U01', 'U02', 'U03', 'U04', 'U05', 'U06', 'U07'];
    expect(
      outcomeReply('archive', { ...refused, askResponders: true }, { users, groups: [] }),
    ).toBe(
      ':no_entry: Archive refused: only responders may remediate findings; ask a responder: <@U01>, <@U02>, <@U03>, <@U04>, <@U05> and 2 more',
    );
    expect(
      outcomeReply('archive', { ...refused, askResponders: true }, { users: [], groups: [] }),
    ).toBe(
      ':no_entry: Archive refused: only responders may remediate findings; no responder is named yet; ask whoever runs this bot to name the responders',
    );
  });

  it('says nothing of responders for a refusal a responder gets too', () => {
    expect(
      outcomeReply(
        'disable-key',
        { kind: 'refused', reason: 'the principal is the AWS account root user' },
        { users: ['U0ALICE'], groups: [] },
      ),
    ).toBe(':no_entry: Disable access key refused: the principal is the AWS account root user');
  });
});

describe('parseButton', () => {
  it('reads only what identifies: kind, finding id and version', () => {
    expect(parseButton('remediate:quarantine:snapshot', '{"f":"abc","v":3}')).toEqual({
      kind: 'quarantine',
      findingId: 'abc',
      version: 3,
      snapshot: true,
    });
  });

  it.each([
    ['remediate:drop-tables', '{"f":"abc","v":0}'],
    ['remediate:archive:snapshot', '{"f":"abc","v":0}'],
    ['remediate:archive', '{"f":"abc","v":0,"userName":"root"}'],
    ['remediate:archive', '{"f":"../x","v":0}'],
    ['remediate:archive', '{"f":"abc","v":-1}'],
    ['remediate:archive', 'not json'],
    ['remediate:archive', undefined],
  ])('rejects %s with value %s', (actionId, value) => {
    expect(parseButton(actionId, value)).toBeUndefined();
  });
});

describe('parseSuppressSubmission', () => {
  const today = new Date('2026-11-21T14:02:00Z');
  const values = (entries: Record<string, string | undefined>) =>
    Object.fromEntries(
      Object.entries(entries).map(([block, value]) => [
        block,
        { value: block === 'suppress_expires' ? {} : { value: value ?? null } },
      ]),
    );

  const everyOfType = {
    suppress_scope: { value: { selected_options: [{ value: 'every-finding-of-type' }] } },
  };

  it('returns the criteria the responder confirmed, blanks dropped', () => {
    expect(
      parseSuppressSubmission(
        {
          ...values({ suppress_type: ' Recon:EC2/Portscan ', suppress_principal: '' }),
          ...everyOfType,
          suppress_expires: { value: { selected_date: '2026-12-01' } },
        },
        today,
      ),
    ).toEqual({
      ok: true,
      criteria: {
        findingType: 'Recon:EC2/Portscan',
        everyFindingOfType: true,
        expiresAt: '2026-12-01',
      },
    });
  });

  it('refuses a rule on the type alone unless "every finding of this type" is ticked', () => {
    expect(parseSuppressSubmission(values({ suppress_type: 'Recon:EC2/Portscan' }), today)).toEqual(
      {
        ok: false,
        errors: {
          suppress_scope:
            'No principal or instance is filled in, so the rule archives every new finding of this type on any resource: tick the box to mean it.',
        },
      },
    );
    // Ticked on a rule that names an instance, the box widens nothing and is not kept.
    expect(
      parseSuppressSubmission(
        {
          ...values({ suppress_type: 'Recon:EC2/Portscan', suppress_instance: 'i-99999999' }),
          ...everyOfType,
        },
        today,
      ),
    ).toEqual({
      ok: true,
      criteria: { findingType: 'Recon:EC2/Portscan', instanceId: 'i-99999999' },
    });
  });

  it("refuses a remote IP the finding's action type cannot be filtered on, with a field error", () => {
    const dns = fixtureFinding('Backdoor_EC2_CCActivity.B_DNS.json');
    expect(
      parseSuppressSubmission(
        values({
          suppress_type: dns.type,
          suppress_instance: 'i-99999999',
          suppress_remote_ip: '1.2.3.4',
        }),
        today,
        dns,
      ),
    ).toEqual({
      ok: false,
      errors: {
        suppress_remote_ip:
          'GuardDuty filters cannot match a remote IP on DNS_REQUEST findings; clear the field (the rule would match every IP).',
      },
    });
  });

  it('requires a type', () => {
    expect(parseSuppressSubmission(values({ suppress_type: '  ' }), today)).toEqual({
      ok: false,
      errors: { suppress_type: 'Enter the finding type to match.' },
    });
  });
});

describe('suppressModal', () => {
  const portscan = fixtureFinding('Recon_EC2_Portscan.json');
  const modal = (finding: Finding, count?: Parameters<typeof suppressModal>[3]) =>
    suppressModal(finding, defaultCriteria(finding), { findingId: finding.id }, count);
  type Shown = { type: string; label?: { text: string }; text?: { text: string } };
  const shown = (view: ModalView) => view.blocks as unknown as Shown[];
  const labels = (view: ModalView) =>
    shown(view).flatMap((b) => (b.type === 'input' && b.label ? [b.label.text] : []));
  const texts = (view: ModalView) =>
    shown(view).flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

  it('leaves "(optional)" to Slack, and ends a title with one dot', () => {
    const view = modal(portscan);
    expect(labels(view)).toEqual([
      'Finding type',
      'Principal id',
      'Instance id',
      'Remote IPv4 address',
      'Scope',
      'Expires on',
      'Why',
    ]);
    expect(texts(view)[0]).toContain('EC2 instance i-99999999.\n');
    expect(texts(view)[0]).not.toMatch(/\.\.|…\./);
  });

  it('offers no remote IP where GuardDuty cannot filter on one, and says why', () => {
    const dns = fixtureFinding('Backdoor_EC2_CCActivity.B_DNS.json');
    const view = modal(dns);
    expect(view.blocks.map((b) => b.block_id)).not.toContain('suppress_remote_ip');
    expect(JSON.stringify(view.blocks)).toContain(
      'No remote IP: GuardDuty filters cannot match one on DNS_REQUEST findings.',
    );
  });

  it('says it is counting, then how many open findings of the type there are', () => {
    const count = (c: Parameters<typeof suppressModal>[3]) =>
      modal(portscan, c).blocks.find((b) => b.block_id === 'suppress_count');
    expect(count(undefined)).toBeUndefined();
    expect(JSON.stringify(count({ kind: 'counting' }))).toContain(
      'Counting the open findings of type `Recon:EC2/Portscan`…',
    );
    expect(JSON.stringify(count({ kind: 'counted', open: 1 }))).toContain('*1* open finding of');
    expect(JSON.stringify(count({ kind: 'counted', open: 1234 }))).toContain(
      '*1,234* open findings of',
    );
    expect(JSON.stringify(count({ kind: 'unknown' }))).toContain('Could not count');
  });
});
