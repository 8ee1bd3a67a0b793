/**
 * The floor plan of docs/ARCHITECTURE.md, enforced in `npm test` (`npm run deps`):
 *
 *   handlers/, cli/ → app/ → bot/ → actions/ → findings/, ipinsights/ → shared/
 *   aws/, store/ implement the ports of actions/ and ipinsights/; only app/ imports them.
 *
 * Every rule names what it protects; a new folder has to be placed here before it can be used.
 */
const SRC = '^src/';
const layer = (name) => `^src/${name}/`;

/** What each folder may import inside src/ (besides itself). */
const allowed = {
  shared: [],
  findings: ['shared'],
  ipinsights: ['shared'],
  routing: ['findings', 'shared'],
  paging: ['findings', 'shared'],
  oncall: ['paging', 'shared'],
  health: ['findings', 'shared'],
  actions: ['findings', 'ipinsights', 'paging', 'shared'],
  bot: ['actions', 'findings', 'health', 'ipinsights', 'paging', 'routing', 'shared'],
  aws: ['actions', 'findings', 'health', 'ipinsights', 'paging', 'shared'],
  store: ['actions', 'health', 'ipinsights', 'paging', 'shared'],
  app: [
    'actions',
    'aws',
    'bot',
    'findings',
    'health',
    'ipinsights',
    'oncall',
    'paging',
    'routing',
    'shared',
    'store',
    'config',
  ],
  handlers: ['app'],
  cli: [
    'app',
    'actions',
    'bot',
    'findings',
    'health',
    'ipinsights',
    'paging',
    'routing',
    'shared',
    'config',
  ],
};

const folderRules = Object.entries(allowed).map(([from, to]) => ({
  name: `${from}-imports`,
  comment: `src/${from}/ may import only ${to.length === 0 ? 'nothing else in src/' : to.map((t) => `${t}/`).join(', ')}`,
  severity: 'error',
  from: { path: layer(from) },
  to: {
    path: SRC,
    pathNot: [layer(from), ...to.map((t) => (t === 'config' ? '^src/config\\.ts$' : layer(t)))],
  },
}));

/** npm packages that belong to one side of the architecture only. */
const packageRules = [
  {
    name: 'sdk-only-in-adapters',
    comment: 'AWS SDK clients (and Smithy) are used by the adapters in aws/ and store/ only',
    from: { path: SRC, pathNot: ['^src/aws/', '^src/store/', '^src/app/'] },
    to: { path: 'node_modules/(@aws-sdk|@smithy)/' },
  },
  {
    name: 'app-builds-no-sdk-client',
    comment: 'the composition root wires adapters; it does not talk to AWS itself',
    from: { path: '^src/app/' },
    to: {
      path: 'node_modules/@aws-sdk/client-',
      dependencyTypesNot: ['type-only'],
    },
  },
  {
    name: 'slack-only-in-bot',
    comment:
      'Slack (Bolt, Web API, Block Kit types) is the bot’s business, and the root that wires it',
    from: { path: SRC, pathNot: ['^src/bot/', '^src/app/'] },
    to: { path: 'node_modules/@slack/' },
  },
  {
    name: 'embedded-store-only-in-store',
    comment: 'dynalite and LevelDB (a native module) are the embedded store adapter’s',
    from: { path: SRC, pathNot: ['^src/store/embeddedDynamo\\.ts$'] },
    to: { path: 'node_modules/(dynalite|level|classic-level)/' },
  },
  {
    name: 'lambda-types-only-in-app',
    comment: 'Lambda event and context types belong to the functions in app/ and handlers/',
    from: { path: SRC, pathNot: ['^src/app/', '^src/handlers/'] },
    to: { path: 'node_modules/@types/aws-lambda/' },
  },
  {
    name: 'powertools-only-in-app-and-aws',
    comment: 'Powertools logging is wired by app/; its parameters utility is an AWS adapter',
    from: { path: SRC, pathNot: ['^src/app/', '^src/aws/'] },
    to: { path: 'node_modules/@aws-lambda-powertools/' },
  },
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no cycles, at any size',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...folderRules,
    ...packageRules.map((rule) => ({ severity: 'error', ...rule })),
    {
      name: 'sandbox-only-from-demo-and-tests',
      comment:
        'the Slack sandbox is a separate package: the product uses it from the demo and the tests only',
      severity: 'error',
      from: { path: SRC, pathNot: ['^src/app/demo/'] },
      to: { path: '(^|/)packages/slack-sandbox/|node_modules/@guardduty-chatops/slack-sandbox' },
    },
    {
      name: 'sandbox-imports-no-product',
      comment: 'the Slack sandbox imports nothing from the product',
      severity: 'error',
      from: { path: '^packages/slack-sandbox/' },
      to: { path: '^(src|test|bench)/' },
    },
    {
      name: 'src-imports-no-tests',
      comment: 'production code never reaches into tests or benchmarks',
      severity: 'error',
      from: { path: SRC },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'bench-imports-no-tests',
      comment: 'benchmarks share code with tests through harness/, not by importing test/',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'harness-imports-no-tests',
      comment: 'harness/ serves test/ and bench/ alike, so it imports neither',
      severity: 'error',
      from: { path: '^harness/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code (entry points excepted)',
      severity: 'error',
      from: {
        orphan: true,
        path: SRC,
        pathNot: ['^src/handlers/', '^src/cli/main\\.ts$', '\\.d\\.ts$'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
