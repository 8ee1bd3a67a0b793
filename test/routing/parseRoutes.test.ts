import { parseRoutes, RoutesInvalidError } from '../../src/routing/parseRoutes';
import { defaultRoutes } from '../../src/routing/routes';

const CHANNEL = 'C0SECURITY';

function problem(text: string): string {
  try {
    parseRoutes(text, 'routes.yml', CHANNEL);
  } catch (error) {
    expect(error).toBeInstanceOf(RoutesInvalidError);
    expect((error as RoutesInvalidError).code).toBe('routes_invalid');
    return (error as Error).message;
  }
  throw new Error('expected the routes to be refused');
}

describe('parseRoutes', () => {
  it('reads a YAML file into its routes, in order, followed by the defaults', () => {
    const table = parseRoutes(
      `
version: 1
grouping: { windowSeconds: 120, threshold: 3 }
routes:
  - name: sandbox
    match: { account: 111122223333 }
    drop: sandbox account, reviewed weekly in the console
  - name: prod-critical
    match:
      severity: [high, CRITICAL]
      type: ["UnauthorizedAccess:*", "CryptoCurrency:EC2/BitcoinTool.B!DNS"]
      tag: { Environment: [prod, "prod-*"] }
    to: { channels: [C0PRODSEC, C0SECURITY, C0PRODSEC], page: true }
  - name: low-to-digest
    match: { severity: low }
    to: { digest: true }
`,
      'routes.yml',
      CHANNEL,
    );
    expect(table.source).toBe('routes.yml');
    expect(table.grouping).toEqual({ windowMs: 120_000, threshold: 3 });
    expect(table.routes.slice(0, 3)).toEqual([
      {
        name: 'sandbox',
        match: { account: ['111122223333'] },
        action: { kind: 'drop', reason: 'sandbox account, reviewed weekly in the console' },
        origin: 'file',
      },
      {
        name: 'prod-critical',
        match: {
          severity: ['High', 'Critical'],
          type: ['UnauthorizedAccess:*', 'CryptoCurrency:EC2/BitcoinTool.B!DNS'],
          tag: { Environment: ['prod', 'prod-*'] },
        },
        action: { kind: 'deliver', channels: ['C0PRODSEC', 'C0SECURITY'], page: true },
        origin: 'file',
      },
      {
        name: 'low-to-digest',
        match: { severity: ['Low'] },
        action: { kind: 'deliver', channels: [], page: false, digest: CHANNEL },
        origin: 'file',
      },
    ]);
    expect(table.routes.slice(3)).toEqual(defaultRoutes(CHANNEL));
  });

  it('reads JSON as well, with the default grouping', () => {
    const table = parseRoutes(
      JSON.stringify({ routes: [{ name: 'all', to: { channels: 'C0ALL' } }] }),
      'ssm',
      CHANNEL,
    );
    expect(table.routes[0]).toEqual({
      name: 'all',
      match: {},
      action: { kind: 'deliver', channels: ['C0ALL'], page: false },
      origin: 'file',
    });
    expect(table.grouping).toEqual({ windowMs: 300_000, threshold: 5 });
  });

  it.each([
    [
      'a severity that is not a band',
      'routes:\n  - name: a\n    match: { severity: [high, severe] }\n    to: { channels: C0A }',
      'routes (routes.yml): rule 1 (a), match.severity.1: must be low, medium, high or critical',
    ],
    [
      'a channel name instead of an id',
      'routes:\n  - name: ok\n    to: { channels: C0A }\n  - name: b\n    to: { channels: ["#security"] }',
      'routes (routes.yml): rule 2 (b), to.channels.0: must be a channel id (C…), not a channel name',
    ],
    [
      'an unknown field',
      'routes:\n  - name: c\n    match: { sevrity: high }\n    to: { page: true }',
      'routes (routes.yml): rule 1 (c), match: unknown field "sevrity"',
    ],
    [
      'both a target and a drop',
      'routes:\n  - name: d\n    to: { page: true }\n    drop: no',
      'routes (routes.yml): rule 1 (d), to: needs exactly one of "to" (where findings go) or "drop" (why they are dropped)',
    ],
    [
      'a target with nowhere to go',
      'routes:\n  - name: e\n    to: { page: false }',
      'routes (routes.yml): rule 1 (e), to: must name channels, page: true or digest',
    ],
    [
      'an account that is not 12 digits',
      'routes:\n  - name: f\n    match: { account: 1234 }\n    drop: x',
      'routes (routes.yml): rule 1 (f), match.account: must be a 12-digit AWS account id in quotes (YAML read 1234 as a number)',
    ],
    [
      'an account of the wrong length in quotes',
      'routes:\n  - name: f2\n    match: { account: ["123456789012", "12345"] }\n    drop: x',
      'routes (routes.yml): rule 1 (f2), match.account.1: must be a 12-digit AWS account id',
    ],
    [
      'a rule without a name',
      'routes:\n  - to: { page: true }',
      'routes (routes.yml): rule 1, name: must be a name',
    ],
    [
      'a name used twice',
      'routes:\n  - name: g\n    drop: x\n  - name: g\n    drop: y',
      'routes (routes.yml): rule 2 (g), name: already used by rule 1',
    ],
    [
      'a type pattern with a space',
      'routes:\n  - name: h\n    match: { type: "Recon EC2" }\n    drop: x',
      'routes (routes.yml): rule 1 (h), match.type: must be a finding type or a pattern with *',
    ],
    [
      'a grouping threshold of zero',
      'grouping: { threshold: 0 }\nroutes: []',
      'routes (routes.yml): grouping.threshold: must be at least 1',
    ],
    ['no routes list', 'version: 1', 'routes (routes.yml): routes: must be a list of routes'],
    [
      'a duplicated key',
      'routes: []\nroutes: []',
      'routes (routes.yml): not YAML or JSON: Map keys must be unique',
    ],
  ])('refuses %s with one line naming the rule and field', (_, text, message) => {
    expect(problem(text)).toBe(message);
  });
});
