import fc from 'fast-check';
import { severityBand, type Finding, type SeverityBand } from '../../src/findings';
import { routeFinding, routeMatches } from '../../src/routing/match';
import { defaultRoutingTable, type Route, type RouteMatch } from '../../src/routing/routes';
import { resourceTags } from '../../src/routing/resourceTags';
import { fixtureFinding } from '../../harness/fixtures';

const CHANNEL = 'C0SECURITY';
const BASE = fixtureFinding('UnauthorizedAccess_EC2_TorClient.json');
const TYPES = [
  'UnauthorizedAccess:EC2/TorClient',
  'Recon:EC2/PortProbeUnprotectedPort',
  'CryptoCurrency:EC2/BitcoinTool.B!DNS',
  'Backdoor:EC2/C&CActivity.B!DNS',
  'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
];
const ACCOUNTS = ['111111111111', '222222222222', '012345678901'];
const TAG_KEYS = ['Environment', 'team', 'aws:autoscaling:groupName'];
const TAG_VALUES = ['prod', 'prod-eu', 'dev', 'payments', ''];
const BANDS: readonly SeverityBand[] = ['Low', 'Medium', 'High', 'Critical'];

const severity = fc.integer({ min: 0, max: 100 }).map((tenths) => tenths / 10);
const tags = fc.dictionary(fc.constantFrom(...TAG_KEYS), fc.constantFrom(...TAG_VALUES), {
  maxKeys: 3,
});

const findingArb = fc
  .record({
    severity,
    type: fc.constantFrom(...TYPES),
    accountId: fc.constantFrom(...ACCOUNTS),
    tags,
  })
  .map(({ severity: s, type, accountId, tags: t }): Finding => ({
    ...BASE,
    severity: s,
    type,
    accountId,
    resource: {
      ...BASE.resource,
      resourceType: 'Instance',
      instanceDetails: {
        ...BASE.resource?.instanceDetails,
        tags: Object.entries(t).map(([key, value]) => ({ key, value })),
      },
    },
  }));

/** A type pattern: a known type with random parts replaced by `*`, or a literal. */
const typePattern = fc.oneof(
  fc.constantFrom(...TYPES, 'UnauthorizedAccess:*', '*', '*!DNS', 'Recon:*/Port*', '*:IAMUser/*'),
  fc.tuple(fc.constantFrom(...TYPES), fc.nat(), fc.nat()).map(([t, a, b]) => {
    const i = a % t.length;
    const j = i + (b % (t.length - i + 1));
    return `${t.slice(0, i)}*${t.slice(j)}`;
  }),
);

const matchArb: fc.Arbitrary<RouteMatch> = fc.record(
  {
    severity: fc.subarray([...BANDS], { minLength: 1 }),
    type: fc.array(typePattern, { minLength: 1, maxLength: 2 }),
    account: fc.subarray(ACCOUNTS, { minLength: 1 }),
    tag: fc.dictionary(
      fc.constantFrom(...TAG_KEYS),
      fc.array(fc.constantFrom('prod', 'prod-*', 'dev', '*', 'pay*'), {
        minLength: 1,
        maxLength: 2,
      }),
      { minKeys: 1, maxKeys: 2 },
    ),
  },
  { requiredKeys: [] },
);

const routesArb = fc.array(fc.tuple(matchArb, fc.boolean()), { maxLength: 6 }).map((items) =>
  items.map(([match, drop], i): Route => ({
    name: `r${i}`,
    match,
    action: drop
      ? { kind: 'drop', reason: `reason ${i}` }
      : { kind: 'deliver', channels: [`C0ROUTE${i}`], page: i % 2 === 0 },
    origin: 'file',
  })),
);

/** An independent reading of a `*` pattern: recursive, no regular expression. */
function wildcard(pattern: string, text: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === text;
  const head = pattern.slice(0, star);
  if (!text.startsWith(head)) return false;
  const rest = pattern.slice(star + 1);
  for (let i = head.length; i <= text.length; i += 1) {
    if (wildcard(rest, text.slice(i))) return true;
  }
  return false;
}

function oracle(match: RouteMatch, finding: Finding): boolean {
  const findingTags = new Map(
    (finding.resource?.instanceDetails?.tags ?? []).map((t) => [t.key, t.value]),
  );
  return (
    (match.severity?.includes(severityBand(finding.severity)) ?? true) &&
    (match.type?.some((p) => wildcard(p, finding.type)) ?? true) &&
    (match.account?.includes(finding.accountId) ?? true) &&
    Object.entries(match.tag ?? {}).every(([key, values]) => {
      const value = findingTags.get(key);
      return value !== undefined && values.some((p) => wildcard(p, value));
    })
  );
}

describe('route matching (properties)', () => {
  it('matches exactly when every field given holds (checked against an independent reading)', () => {
    fc.assert(
      fc.property(matchArb, findingArb, (match, finding) => {
        expect(routeMatches(match, finding)).toBe(oracle(match, finding));
      }),
      { numRuns: 2000 },
    );
  });

  it('lets the first matching route decide, the defaults catching the rest', () => {
    fc.assert(
      fc.property(routesArb, findingArb, (routes, finding) => {
        const table = defaultRoutingTable(CHANNEL);
        const decision = routeFinding({ ...table, routes: [...routes, ...table.routes] }, finding);
        const first = [...routes, ...table.routes].find((r) => oracle(r.match, finding));
        expect(decision.route).toBe(first?.name);
        if (first?.action.kind === 'drop') {
          expect(decision).toEqual({
            kind: 'drop',
            route: first.name,
            reason: first.action.reason,
          });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never drops a finding with the defaults alone: Critical and High page, Low waits for the digest', () => {
    fc.assert(
      fc.property(findingArb, (finding) => {
        const decision = routeFinding(defaultRoutingTable(CHANNEL), finding);
        const band = severityBand(finding.severity);
        expect(decision).toEqual(
          band === 'Low'
            ? { kind: 'deliver', route: 'default-low', channels: [], page: false, digest: CHANNEL }
            : {
                kind: 'deliver',
                route: band === 'Medium' ? 'default-medium' : 'default-critical-high',
                channels: [CHANNEL],
                page: band !== 'Medium',
              },
        );
      }),
    );
  });

  it('is not changed by a route placed before the others that cannot match', () => {
    fc.assert(
      fc.property(routesArb, findingArb, (routes, finding) => {
        const table = defaultRoutingTable(CHANNEL);
        const before = routeFinding({ ...table, routes: [...routes, ...table.routes] }, finding);
        const elsewhere = ACCOUNTS.find((a) => a !== finding.accountId) ?? '999999999999';
        const never: Route = {
          name: 'elsewhere',
          match: { account: [elsewhere] },
          action: { kind: 'drop', reason: 'other account' },
          origin: 'file',
        };
        const after = routeFinding(
          { ...table, routes: [never, ...routes, ...table.routes] },
          finding,
        );
        expect(after).toEqual(before);
      }),
    );
  });

  it('always matches a pattern cut from the finding type itself', () => {
    fc.assert(
      fc.property(findingArb, fc.nat(), fc.nat(), (finding, a, b) => {
        const t = finding.type;
        const i = a % t.length;
        const j = i + (b % (t.length - i + 1));
        expect(routeMatches({ type: [`${t.slice(0, i)}*${t.slice(j)}`] }, finding)).toBe(true);
      }),
    );
  });
});

describe('resource tags', () => {
  it('reads the tags of instances, buckets, clusters and functions', () => {
    const finding = {
      ...BASE,
      resource: {
        resourceType: 'S3Bucket',
        s3BucketDetails: [{ name: 'b', tags: [{ key: 'team', value: 'payments' }] }],
        eksClusterDetails: { tags: [{ key: 'Environment', value: 'prod' }] },
        lambdaDetails: {
          tags: [
            { key: 'owner', value: 'ops' },
            { key: 5, value: 'x' },
          ],
        },
      },
    } as unknown as Finding;
    expect([...resourceTags(finding)]).toEqual([
      ['team', 'payments'],
      ['Environment', 'prod'],
      ['owner', 'ops'],
    ]);
    expect(routeMatches({ tag: { Environment: ['prod'], team: ['pay*'] } }, finding)).toBe(true);
    expect(routeMatches({ tag: { Environment: ['dev'] } }, finding)).toBe(false);
    expect(resourceTags({ ...BASE, resource: undefined }).size).toBe(0);
  });
});
