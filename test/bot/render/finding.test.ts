import fc from 'fast-check';
import { renderFinding } from '../../../src/bot/render/finding';
import { parseFindingInput } from '../../../src/findings';
import { blockKitViolations, textObjects } from '../../helpers/blockKit';
import { fixtureFinding, fixtureNames, rawFinding } from '../../../harness/fixtures';

const UNSCORED = { reading: 'Unscored: no model configured' };

describe('renderFinding', () => {
  it('renders an IAM user finding with every field a responder needs', () => {
    const finding = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
    const tuple = {
      entity: 'AIDA123456789EXAMPLE',
      ip: '203.0.113.77',
      remote: finding.service.action?.awsApiCallAction?.remoteIpDetails ?? {},
    };
    const message = renderFinding(finding, {
      score: {
        tuple,
        score: -2.5,
        level: 'never-seen',
        label: 'Never seen from this network',
        reading:
          "Never seen from this network: more unusual than 99% of this principal's own history and 99.4% of the account's normal activity",
        why: 'never seen from 203.0.0.0/16 in 1,598 training pairs',
      },
    });
    expect(message).toEqual({
      text: 'Medium 5.0 GuardDuty finding: The user dev-alice is performing API requests that are unusual for this user.',
      blocks: [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: ':large_yellow_circle: Medium 5.0 · The user dev-alice is performing API requests that are unusual for this user.',
            emoji: true,
          },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            verbatim: true,
            text: '`Discovery:IAMUser/AnomalousBehavior`\nAPIs commonly used in discovery tactics were invoked by user IAMUser : dev-alice under unusual circumstances.',
          },
        },
        {
          type: 'section',
          fields: [
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Account / Region*\n`123456789012` · `us-east-2`',
            },
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Resource*\nAccess key `AKIA123456789EXAMPLE`\nIAMUser `dev-alice`\nPrincipal `AIDA123456789EXAMPLE`',
            },
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Action*\nAPI `ListBuckets` on `s3.amazonaws.com`\nUser agent Boto3/1.34.0 Python/3.12.1',
            },
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Remote IP*\n`203.0.113.77`\n:rotating_light: *Never seen from this network*\nSao Paulo, Brazil\nAS64497 Example Telecom SA',
            },
            {
              type: 'mrkdwn',
              verbatim: true,
              text: '*Seen*\nFirst 2026-11-21 08:14 UTC\nLast 2026-11-21 09:40 UTC\nCount 1',
            },
          ],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            verbatim: true,
            text: ":mag: *IP Insights* for `AIDA123456789EXAMPLE` from `203.0.113.77`: Never seen from this network: more unusual than 99% of this principal's own history and 99.4% of the account's normal activity; never seen from 203.0.0.0/16 in 1,598 training pairs _(raw score -2.500, higher is more usual)_",
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              verbatim: true,
              text: 'Finding `b2c3d4e5f60718293a4b5c6d7e8f90a1` · <https://console.aws.amazon.com/guardduty/home?region=us-east-2#/findings?macros=current&fId=b2c3d4e5f60718293a4b5c6d7e8f90a1|Open in the GuardDuty console> · Updated 2026-11-21 09:45 UTC',
            },
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

  it.each(fixtureNames())('renders %s within Block Kit limits', (name) => {
    const message = renderFinding(fixtureFinding(name), { score: UNSCORED });
    expect(blockKitViolations(message)).toEqual([]);
    expect(message.blocks[0]?.type).toBe('header');
  });

  it('shows an unknown finding type and a missing resource', () => {
    const raw = rawFinding(
      'PrivilegeEscalation_IAMUser_AdministrativePermissions.partial-no-resource.json',
    );
    raw.type = 'Novel:Thing/NeverSeenBefore';
    const message = renderFinding(parseFindingInput(raw).finding, { score: UNSCORED });
    const texts = textObjects(message.blocks).map((t) => t.text);
    expect(texts).toContain(
      '`Novel:Thing/NeverSeenBefore`\nPrincipal AssumedRole:IAMRole attempted to add a highly permissive policy to themselves.',
    );
    expect(texts).toContain('*Resource*\nNo resource in the finding');
    expect(texts).toContain('*Remote IP*\nDomain cloudformation[.]amazonaws[.]com');
  });

  it('lists the other probing IPs of a port probe and marks sample findings', () => {
    const message = renderFinding(fixtureFinding('Recon_EC2_PortProbeUnprotectedPort.json'), {
      score: UNSCORED,
    });
    const texts = textObjects(message.blocks).map((t) => t.text);
    expect(texts).toContain(
      '*Remote IP*\n`198.51.100.0`\nGeneratedFindingCityName1, GeneratedFindingCountryName1\nAS9808 GeneratedFindingASNOrg1\nand 3 more: `198.51.100.1`, `198.51.100.2`, `198.51.100.3`',
    );
    expect(texts.at(-1)).toMatch(/ · _Sample finding_$/);
  });

  it('adds buttons and status lines given by the remediation layer', () => {
    const message = renderFinding(fixtureFinding('Recon_EC2_Portscan.json'), {
      score: UNSCORED,
      buttons: [
        { type: 'button', action_id: 'archive', text: { type: 'plain_text', text: 'Archive' } },
      ],
      status: ['Archived by <@U123> at 14:02 UTC'],
    });
    expect(message.blocks.slice(-2)).toEqual([
      {
        type: 'actions',
        block_id: 'finding_actions',
        elements: [
          { type: 'button', action_id: 'archive', text: { type: 'plain_text', text: 'Archive' } },
        ],
      },
      {
        type: 'context',
        block_id: 'finding_status',
        elements: [{ type: 'mrkdwn', verbatim: true, text: 'Archived by <@U123> at 14:02 UTC' }],
      },
    ]);
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
  ),
  fc
    .array(fc.constantFrom('<', '>', '&', '!', '@', 'channel', 'http://', '.', 'a', '|', '`'), {
      maxLength: 1500,
    })
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

function assertSafe(message: ReturnType<typeof renderFinding>) {
  for (const t of [
    { type: 'plain_text' as const, text: message.text, where: 'text' },
    ...textObjects(message.blocks),
  ]) {
    const text = t.text.replace(OUR_LINK, '');
    if (t.type === 'mrkdwn') expect(t).toHaveProperty('verbatim', true);
    // No markup of any kind can come from the finding: no <…>, hence no mention, broadcast or link.
    expect({ where: t.where, markup: /[<>]/.test(text) }).toEqual({
      where: t.where,
      markup: false,
    });
    expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    expect(text).not.toContain('://');
  }
  for (const t of textObjects(message.blocks).filter((o) => o.type === 'plain_text')) {
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
      },
    ),
    { numRuns: 300 },
  );
}

describe('renderFinding with hostile finding text', () => {
  it('never produces markup, a mention or a link, and stays within Block Kit limits (access key)', () => {
    assertHostileEditsAreSafe('Synthetic_Discovery_IAMUser_AnomalousBehavior.json', HOSTILE_PATHS);
  });

  it('never produces markup, a mention or a link, and stays within Block Kit limits (instance, DNS)', () => {
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
