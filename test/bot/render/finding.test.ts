import fc from 'fast-check';
import { renderFinding, renderFindingDetails } from '../../../src/bot/render/finding';
import { parseFindingInput } from '../../../src/findings';
import { blockKitViolations, textObjects } from '../../helpers/blockKit';
import { fixtureFinding, fixtureNames, rawFinding } from '../../../harness/fixtures';

const UNSCORED = { reading: 'Unscored: no model configured' };

const DEV_ALICE = 'Synthetic_Discovery_IAMUser_AnomalousBehavior.json';

function neverSeenScore(finding: ReturnType<typeof fixtureFinding>) {
  return {
    tuple: {
      entity: 'AIDA123456789EXAMPLE',
      ip: '203.0.113.77',
      remote: finding.service.action?.awsApiCallAction?.remoteIpDetails ?? {},
    },
    score: -2.5,
    level: 'never-seen' as const,
    label: 'Never seen from this network',
    reading:
      "Never seen from this network: more unusual than 99% of this principal's own history and 99.4% of the account's normal activity",
    why: 'never seen from 203.0.0.0/16 in 1,598 training pairs',
  };
}

const DETAILS_BUTTON = {
  type: 'button',
  action_id: 'finding:details',
  text: { type: 'plain_text', text: 'Details', emoji: false },
  value: '{"f":"b2c3d4e5f60718293a4b5c6d7e8f90a1"}',
};

describe('renderFinding: the compact message', () => {
  it('shows severity and title, account, region and resource, the remote IP with its level, the buttons', () => {
    const finding = fixtureFinding(DEV_ALICE);
    const message = renderFinding(finding, { score: neverSeenScore(finding) });
    expect(message).toEqual({
      text: 'Medium 5.0 GuardDuty finding: The user dev-alice is performing API requests that are unusual for this user.',
      blocks: [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: 'Medium 5.0 · The user dev-alice is performing API requests that are unusual for this user.',
            emoji: false,
          },
        },
      ],
      attachments: [
        {
          color: '#e0a800',
          fallback:
            'Medium 5.0 GuardDuty finding: The user dev-alice is performing API requests that are unusual for this user.',
          blocks: [
            {
              type: 'section',
              block_id: 'finding_summary',
              text: {
                type: 'mrkdwn',
                verbatim: true,
                text: [
                  'IAMUser `dev-alice` · key `AKIA123456789EXAMPLE` · `123456789012` · `us-east-2`',
                  'From `203.0.113.77` (Sao Paulo, Brazil) — :rotating_light: *Never seen from this network*',
                  'APIs commonly used in discovery tactics were invoked by user IAMUser : … _more in the thread_',
                ].join('\n'),
              },
            },
            { type: 'actions', block_id: 'finding_actions', elements: [DETAILS_BUTTON] },
          ],
        },
      ],
      metadata: {
        event_type: 'guardduty_finding',
        event_payload: {
          finding_id: 'b2c3d4e5f60718293a4b5c6d7e8f90a1',
          count: 1,
          updated_at: '2026-11-21T09:45:30.000Z',
        },
      },
    });
  });

  it('colours the bar by severity band, so no emoji font is needed for the cue', () => {
    const colours = (['Low', 'Medium', 'High', 'Critical'] as const).map((band) => {
      const raw = rawFinding('Recon_EC2_Portscan.json');
      raw.severity = { Low: 2, Medium: 5, High: 8, Critical: 9.5 }[band];
      const message = renderFinding(parseFindingInput(raw).finding, { score: UNSCORED });
      return [message.attachments?.[0]?.color, textObjects(message.blocks)[0]?.text];
    });
    expect(colours).toEqual([
      ['#3b82c4', expect.stringMatching(/^Low 2\.0 · /) as string],
      ['#e0a800', expect.stringMatching(/^Medium 5\.0 · /) as string],
      ['#e8590c', expect.stringMatching(/^High 8\.0 · /) as string],
      ['#b3001b', expect.stringMatching(/^Critical 9\.5 · /) as string],
    ]);
  });

  it('cuts a long description with "more in the thread"', () => {
    const raw = rawFinding(DEV_ALICE);
    raw.description = `${'Several unusual API calls were made. '.repeat(10)}The end.`;
    const message = renderFinding(parseFindingInput(raw).finding, { score: UNSCORED });
    const summary = textObjects(message.attachments).find((t) => t.where.includes('blocks[0]'));
    const line = summary?.text.split('\n').at(-1) ?? '';
    expect(line).toMatch(/^Several unusual API calls were made\. .*… _more in the thread_$/);
    expect(line.length).toBeLessThanOrEqual(72 + ' _more in the thread_'.length);
  });

  it('puts the state in the header and who did it, and when, right under it', () => {
    const message = renderFinding(fixtureFinding('Recon_EC2_Portscan.json'), {
      score: UNSCORED,
      buttons: [
        { type: 'button', action_id: 'archive', text: { type: 'plain_text', text: 'Archive' } },
      ],
      status: [':white_check_mark: Quarantined by <@U123> at 14:02 UTC'],
      badges: ['QUARANTINED', 'ARCHIVED'],
    });
    expect(textObjects(message.blocks)[0]?.text).toMatch(
      /^QUARANTINED · ARCHIVED · Medium 5\.0 · /,
    );
    const body = message.attachments?.[0]?.blocks ?? [];
    expect(body[0]).toEqual({
      type: 'context',
      block_id: 'finding_status',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: ':white_check_mark: Quarantined by <@U123> at 14:02 UTC',
        },
      ],
    });
    expect(body.at(-1)).toEqual({
      type: 'actions',
      block_id: 'finding_actions',
      elements: [
        { type: 'button', action_id: 'archive', text: { type: 'plain_text', text: 'Archive' } },
        { ...DETAILS_BUTTON, value: expect.stringMatching(/^\{"f":"[0-9a-f]+"\}$/) as string },
      ],
    });
  });

  it.each(fixtureNames())('renders %s within Block Kit limits', (name) => {
    const finding = fixtureFinding(name);
    const message = renderFinding(finding, { score: UNSCORED });
    expect(blockKitViolations(message)).toEqual([]);
    expect(blockKitViolations(renderFindingDetails(finding, UNSCORED))).toEqual([]);
    expect(message.blocks.map((b) => b.type)).toEqual(['header']);
  });
});

describe('renderFindingDetails: the thread reply', () => {
  it('holds the type, the whole description as plain text, every field and the full reading', () => {
    const finding = fixtureFinding(DEV_ALICE);
    const details = renderFindingDetails(finding, neverSeenScore(finding));
    expect(details.metadata).toEqual({
      event_type: 'guardduty_finding_details',
      event_payload: {
        finding_id: 'b2c3d4e5f60718293a4b5c6d7e8f90a1',
        updated_at: '2026-11-21T09:45:30.000Z',
      },
    });
    expect(textObjects(details.blocks).map((t) => [t.type, t.text])).toEqual([
      [
        'mrkdwn',
        '*Details* of `Discovery:IAMUser/AnomalousBehavior` · updated 2026-11-21 09:45 UTC',
      ],
      [
        'plain_text',
        'APIs commonly used in discovery tactics were invoked by user IAMUser : dev-alice under unusual circumstances.',
      ],
      ['mrkdwn', '*Account / Region*\n`123456789012` · `us-east-2`'],
      [
        'mrkdwn',
        '*Resource*\nAccess key `AKIA123456789EXAMPLE`\nIAMUser `dev-alice`\nPrincipal `AIDA123456789EXAMPLE`',
      ],
      [
        'mrkdwn',
        '*Action*\nAPI `ListBuckets` on `s3.amazonaws.com`\nUser agent Boto3/1.34.0 Python/3.12.1',
      ],
      [
        'mrkdwn',
        '*Remote IP*\n`203.0.113.77`\n:rotating_light: *Never seen from this network*\nSao Paulo, Brazil\nAS64497 Example Telecom SA',
      ],
      ['mrkdwn', '*Seen*\nFirst 2026-11-21 08:14 UTC\nLast 2026-11-21 09:40 UTC\nCount 1'],
      [
        'mrkdwn',
        ":mag: *IP Insights* for `AIDA123456789EXAMPLE` from `203.0.113.77`: Never seen from this network: more unusual than 99% of this principal's own history and 99.4% of the account's normal activity; never seen from 203.0.0.0/16 in 1,598 training pairs _(raw score -2.500, higher is more usual)_",
      ],
      [
        'mrkdwn',
        'Finding `b2c3d4e5f60718293a4b5c6d7e8f90a1` · <https://console.aws.amazon.com/guardduty/home?region=us-east-2#/findings?macros=current&fId=b2c3d4e5f60718293a4b5c6d7e8f90a1|Open in the GuardDuty console> · Updated 2026-11-21 09:45 UTC',
      ],
    ]);
  });

  it('shows an unknown finding type and a missing resource', () => {
    const raw = rawFinding(
      'PrivilegeEscalation_IAMUser_AdministrativePermissions.partial-no-resource.json',
    );
    raw.type = 'Novel:Thing/NeverSeenBefore';
    const finding = parseFindingInput(raw).finding;
    const texts = textObjects(renderFindingDetails(finding, UNSCORED).blocks).map((t) => t.text);
    expect(texts[0]).toMatch(/^\*Details\* of `Novel:Thing\/NeverSeenBefore`/);
    expect(texts).toContain('*Resource*\nNo resource in the finding');
    expect(texts).toContain('*Remote IP*\nDomain cloudformation[.]amazonaws[.]com');
    const summary = textObjects(renderFinding(finding, { score: UNSCORED }).attachments);
    expect(summary[0]?.text).toMatch(/^No resource in the finding · /);
    expect(summary[0]?.text).toContain('\nFrom domain cloudformation[.]amazonaws[.]com\n');
  });

  it('lists the other probing IPs of a port probe and marks sample findings', () => {
    const finding = fixtureFinding('Recon_EC2_PortProbeUnprotectedPort.json');
    const texts = textObjects(renderFindingDetails(finding, UNSCORED).blocks).map((t) => t.text);
    expect(texts).toContain(
      [
        '*Remote IP*',
        '`198.51.100.0`',
        'GeneratedFindingCityName1, GeneratedFindingCountryName1',
        'AS9808 GeneratedFindingASNOrg1',
        'and 3 more: `198.51.100.1`, `198.51.100.2`, `198.51.100.3`',
        // GuardDuty's own threat intelligence (service.evidence.threatIntelligenceDetails).
        ...[1, 2, 3].map(
          (n) =>
            `:rotating_light: On GuardDuty's \`GeneratedFindingThreatListName${n}\` list: \`GeneratedFindingThreatName1\`, \`GeneratedFindingThreatName2\`, \`GeneratedFindingThreatName3\`, \`GeneratedFindingThreatName4\``,
        ),
      ].join('\n'),
    );
    expect(texts.at(-1)).toMatch(/ · _Sample finding_$/);
    const summary = textObjects(renderFinding(finding, { score: UNSCORED }).attachments);
    expect(summary[0]?.text).toContain(
      '\nFrom `198.51.100.0` (GeneratedFindingCityName1, GeneratedFindingCountryName1) and 3 more',
    );
  });
});

// Every string field a finding can carry into the message, by where it sits in the JSON.
const HOSTILE_PATHS: readonly (readonly string[])[] = [
  ['title'],
  ['description'],
  ['type'],
  ['resource', 'accessKeyDetails', 'userName'],
  ['resource', 'accessKeyDetails', 'accessKeyId'],
  ['resource', 'accessKeyDetails', 'principalId'],
  ['resource', 'accessKeyDetails', 'userType'],
  ['service', 'action', 'awsApiCallAction', 'userAgent'],
  ['service', 'action', 'awsApiCallAction', 'api'],
  ['service', 'action', 'awsApiCallAction', 'serviceName'],
  ['service', 'action', 'awsApiCallAction', 'errorCode'],
  ['service', 'action', 'awsApiCallAction', 'remoteIpDetails', 'city', 'cityName'],
  ['service', 'action', 'awsApiCallAction', 'remoteIpDetails', 'country', 'countryName'],
  ['service', 'action', 'awsApiCallAction', 'remoteIpDetails', 'organization', 'asnOrg'],
  ['service', 'action', 'awsApiCallAction', 'remoteIpDetails', 'organization', 'asn'],
  ['service', 'action', 'awsApiCallAction', 'remoteIpDetails', 'ipAddressV4'],
];

const INSTANCE_PATHS: readonly (readonly string[])[] = [
  ['title'],
  ['resource', 'instanceDetails', 'instanceId'],
  ['resource', 'instanceDetails', 'instanceType'],
  ['resource', 'instanceDetails', 'instanceState'],
  ['resource', 'instanceDetails', 'tags', '0', 'value'],
  ['resource', 'instanceDetails', 'networkInterfaces', '0', 'vpcId'],
  ['service', 'action', 'dnsRequestAction', 'domain'],
  ['service', 'action', 'dnsRequestAction', 'protocol'],
];

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 4000 }),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '<@U0123ABCD>',
    '<#C0123ABCD>',
    '<!subteam^S123>',
    '<https://evil.example/login|Reset your password>',
    'https://evil.example/x',
    'evil.example',
    'bob@evil.example',
    '&lt;!channel&gt;',
    '`<!channel>`',
    '*bold* _it_ ~s~',
    '\n*Status:* archived by @security',
    '\u202Eexe.live',
    '>>> quote',
    '`code` ```pre``` *bold* _italic_ ~strike~',
    ':white_check_mark: Resolved :rotating_light:',
    '> Archived by security',
    '*Status:* ~open~ → ✅ _closed_',
  ),
  fc
    .array(
      fc.constantFrom(
        '<',
        '>',
        '&',
        '!',
        '@',
        'channel',
        'http://',
        '.',
        'a',
        '|',
        '`',
        '*',
        '_',
        '~',
        ':',
        'ok',
        ' ',
        '\n',
      ),
      {
        maxLength: 1500,
      },
    )
    .map((parts) => parts.join('')),
);

function setPath(target: Record<string, unknown>, path: readonly string[], value: string) {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) ?? ''] = value;
}

const OUR_LINK =
  /<https:\/\/console\.aws\.amazon\.com\/guardduty\/home\?region=[a-z0-9-]+#\/findings\?macros=current&fId=[A-Za-z0-9_-]+\|Open in the GuardDuty console>/g;

/** Formatting our own code writes: exact strings, so none can hide formatting from a finding. */
const OUR_FORMATTING = [
  '*Account / Region*',
  '*Resource*',
  '*Action*',
  '*Remote IP*',
  '*Seen*',
  '*IP Insights*',
  '*Details*',
  '*Archived*',
  '_more in the thread_',
  '_Sample finding_',
  ':mag:',
];

/** What is left of a mrkdwn text without code spans and our own formatting. */
function findingTextOf(text: string): string {
  let rest = text.replace(OUR_LINK, '').replace(/`[^`\n]*`/g, ' ');
  for (const ours of OUR_FORMATTING) rest = rest.split(ours).join(' ');
  return rest;
}

function assertSafe(message: ReturnType<typeof renderFinding>) {
  for (const t of [
    { type: 'plain_text' as const, text: message.text, where: 'text' },
    ...textObjects(message.blocks),
    ...textObjects(message.attachments),
  ]) {
    const text = t.text.replace(OUR_LINK, '');
    if (t.type === 'plain_text' && t.where !== 'text') expect(t).toHaveProperty('emoji', false);
    // Finding text styles nothing: no bold, strike, code, emoji, italics or quote of its own.
    const rest = findingTextOf(t.text);
    expect({ where: t.where, rest }).not.toEqual({
      where: t.where,
      rest: expect.stringMatching(
        /[*~`]|:[a-z0-9_+'-]+:|(^|[^\p{L}\p{N}])_|_($|[^\p{L}\p{N}])|(^|\n)\s*(&gt;|>)/iu,
      ) as string,
    });
    if (t.type === 'mrkdwn') expect(t).toHaveProperty('verbatim', true);
    // No markup of any kind can come from the finding: no <…>, hence no mention, broadcast or link.
    expect({ where: t.where, markup: /[<>]/.test(text) }).toEqual({
      where: t.where,
      markup: false,
    });
    expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    expect(text).not.toContain('://');
  }
  for (const t of [...textObjects(message.blocks), ...textObjects(message.attachments)].filter(
    (o) => o.type === 'plain_text',
  )) {
    expect(t.text).not.toMatch(/\w\.\p{L}/u);
  }
  expect(blockKitViolations(message)).toEqual([]);
}

/** Puts hostile strings at random paths of a fixture, renders it and checks the result is safe. */
function assertHostileEditsAreSafe(
  fixture: string,
  paths: readonly (readonly string[])[],
  prepare: (raw: Record<string, unknown>) => void = () => undefined,
) {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...paths), hostileString), { minLength: 1, maxLength: 8 }),
      (edits) => {
        const raw = rawFinding(fixture);
        prepare(raw);
        for (const [path, value] of edits) setPath(raw, path, value);
        let parsed;
        try {
          parsed = parseFindingInput(raw).finding;
        } catch {
          return; // e.g. an empty type: rejected before rendering
        }
        assertSafe(renderFinding(parsed, { score: UNSCORED }));
        assertSafe(renderFindingDetails(parsed, UNSCORED));
      },
    ),
    { numRuns: 300 },
  );
}

describe('renderFinding with hostile finding text', () => {
  it('never produces markup, formatting, an emoji, a mention or a link, and stays within Block Kit limits (access key)', () => {
    assertHostileEditsAreSafe('Synthetic_Discovery_IAMUser_AnomalousBehavior.json', HOSTILE_PATHS);
  });

  it('never produces markup, formatting, an emoji, a mention or a link, and stays within Block Kit limits (instance, DNS)', () => {
    assertHostileEditsAreSafe(
      'Synthetic_Trojan_EC2_DNSDataExfiltration.json',
      INSTANCE_PATHS,
      (raw) => {
        const details = (raw.resource as { instanceDetails: Record<string, unknown> })
          .instanceDetails;
        details.tags = [{ key: 'Name', value: 'web' }];
      },
    );
  });
});
