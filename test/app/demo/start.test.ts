import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, AuditReader } from '../../../src/actions/contract';
import { FINDING_EVENT_TYPE } from '../../../src/bot/render/finding';
import { silentLog } from '../../../src/shared/log';
import { DataFolderInUseError, PortInUseError } from '../../../src/app/demo/errors';
import { DEMO_WIRING, type DemoBotContext } from '../../../src/app/demo/listeners';
import { SAMPLE_DETECTOR_ID } from '../../../src/app/demo/sampleGuardDuty';
import { startDemo, type RunningDemo } from '../../../src/app/demo/start';
import { fixtureFinding, fixtureNames } from '../../../harness/fixtures';
import { DEMO_ADMIN, DEMO_PRODUCTION, DEMO_SANDBOX } from '../../../src/app/demo/organization';
import { responseUrlAnswers, waitForResponses } from '../../../harness/commandHarness';

const ALICE = 'U0ALICE';
const CHANNEL = 'C0SECURITY';
const DEV_ALICE = fixtureFinding('Synthetic_Discovery_IAMUser_AnomalousBehavior.json');
const NOW = new Date('2031-05-06T07:08:09.000Z');
const DAY = 86_400_000;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

function messageFor(demo: RunningDemo, findingId: string) {
  return demo.slack
    .history()
    .flatMap((c) => c.messages)
    .find(
      (m) =>
        m.metadata?.event_type === FINDING_EVENT_TYPE &&
        m.metadata.event_payload.finding_id === findingId,
    );
}

function actionIdsOf(blocks: unknown): string[] {
  return [...JSON.stringify(blocks ?? []).matchAll(/"action_id":"([^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
}

describe('the demo on a fresh data folder, then restarted on it', () => {
  let dataDir: string;
  let demo: RunningDemo;

  /** Runs `/guardduty TEXT` as alice and waits for its answer (by response_url). */
  async function command(text: string): Promise<{ text: string; blocks?: unknown }> {
    const before = demo.slack.snapshot().ephemerals.length;
    const sent = await fetch(`${demo.url}local/command`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: ALICE, channel: CHANNEL, text }),
    });
    expect(sent.status).toBe(200);
    for (let waited = 0; waited < 10_000; waited += 20) {
      const answer = demo.slack.snapshot().ephemerals[before];
      if (answer !== undefined) return answer;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no answer to /guardduty ${text}`);
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'demo-start-'));
    demo = await startDemo({ dataDir, port: 0, live: false, log: silentLog });
    // The first start trains the demo's model: room for a loaded 2-core machine.
  }, 120_000);

  afterAll(async () => {
    await demo.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('posts every Medium-and-above sample once, keeps Low ones for the digest, scored by the demo model it trained', async () => {
    const fixtureCount = fixtureNames().length;
    expect(demo.samples).toHaveLength(fixtureCount);
    expect(demo.samples.map((s) => s.outcome.kind)).toEqual(
      demo.samples.map((s) => (s.finding.severity < 4 ? 'gathered' : 'posted')),
    );
    const posted = demo.samples.filter((s) => s.outcome.kind === 'posted').length;
    const gathered = demo.samples.length - posted;
    // Each posted sample, then today's digest: its summary and one reply per Low sample.
    expect(demo.slack.callsTo('chat.postMessage')).toHaveLength(posted + 1 + gathered);
    expect(demo.model).toMatchObject({ trained: true, path: join(dataDir, 'demo-model.ipim') });
    await access(demo.model.path);

    const message = messageFor(demo, DEV_ALICE.id);
    expect(JSON.stringify(message?.attachments)).toContain(
      'From `203.0.113.77` (Sao Paulo, Brazil) — :rotating_light: *Never seen from this network*',
    );
  });

  it('shows a Critical finding, a hostile-text one and a button of every action type', () => {
    const posted = demo.samples.filter((s) => s.outcome.kind === 'posted');
    expect(posted.some((s) => s.finding.severity >= 9)).toBe(true);
    const hostile = posted.find((s) => s.finding.title.includes('<img'));
    expect(hostile).toBeDefined();
    const drawn = JSON.stringify(messageFor(demo, hostile!.finding.id));
    // Attacker text stays text: no broadcast, no link, no styling of its own.
    expect(drawn).not.toContain('<!channel>');
    expect(drawn).not.toContain('<https://evil.example');
    expect(drawn).not.toContain('*ARCHIVED*');
    const actions = new Set(
      posted.flatMap((s) =>
        [
          ...JSON.stringify(messageFor(demo, s.finding.id)).matchAll(
            /"action_id":"(remediate:[a-z-]+)/g,
          ),
        ].map((m) => m[1]),
      ),
    );
    for (const kind of ['archive', 'suppress', 'disable-key', 'revoke-sessions', 'quarantine']) {
      expect(actions).toContain(`remediate:${kind}`);
    }
  });

  it('pages the Critical and High samples to its local PagerDuty, and shows each incident on its message', () => {
    const critical = fixtureFinding('Synthetic_AttackSequence_IAM_CompromisedCredentials.json');
    const paged = demo.samples
      .filter((s) => s.finding.severity >= 7)
      .map((s) => s.finding.id)
      .sort();
    expect([...demo.pagerDuty.incidents.keys()].sort()).toEqual(paged);
    expect(demo.pagerDuty.incidents.get(critical.id)).toMatchObject({
      status: 'triggered',
      severity: 'critical',
      summary: expect.stringMatching(
        /^GuardDuty Critical 9\.2: Potential credential compromise/,
      ) as string,
    });
    const blocks = JSON.stringify(messageFor(demo, critical.id)?.attachments);
    expect(blocks).toContain(':pager: *On-call paged* through PagerDuty at');
    expect(blocks).toContain('"action_id":"page:acknowledge"');
  });

  it('posts today’s digest of the Low samples, each in its thread', () => {
    const low = demo.samples.filter((s) => s.outcome.kind === 'gathered').length;
    expect(low).toBeGreaterThan(0);
    expect(demo.digest).toMatchObject({ kind: 'posted', count: low });
    const ts = demo.digest.kind === 'posted' ? demo.digest.ts : '';
    const replies = demo.slack
      .history()
      .flatMap((c) => c.messages)
      .filter((m) => m.thread_ts === ts && m.ts !== ts);
    expect(replies).toHaveLength(low);
  });

  it('serves the page, its script and style from the same loopback origin, locked down', async () => {
    const page = await fetch(demo.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="/app.js" defer></script>');
    const script = await fetch(`${demo.url}app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('/local/events');
    expect((await fetch(`${demo.url}style.css`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect(new URL(demo.url).hostname).toBe('127.0.0.1');
  });

  it('tells the page the channel, the responders, dry run and the scorer; no audit record yet', async () => {
    expect(await getJson(`${demo.url}demo/info`)).toEqual({
      status: 200,
      body: {
        channel: { id: CHANNEL, name: 'security' },
        responders: [ALICE],
        dryRun: true,
        scorer: demo.model.description,
      },
    });
    expect(demo.model.description).toMatch(/^embedded model \(trained \d{4}-\d\d-\d\d, /);
    expect(await getJson(`${demo.url}demo/audit`)).toEqual({
      status: 200,
      body: DEMO_WIRING.remediation ? { available: true, entries: [] } : { available: false },
    });
  });

  it('spreads the samples over three accounts in two regions: one dry-run only, one not allowed', () => {
    const places = new Set(demo.samples.map((s) => `${s.finding.accountId} ${s.finding.region}`));
    expect([...places].sort()).toEqual(
      [
        `${DEMO_PRODUCTION} us-east-1`,
        `${DEMO_PRODUCTION} us-east-2`,
        `${DEMO_ADMIN} us-east-1`,
        `${DEMO_ADMIN} us-east-2`,
        `${DEMO_SANDBOX} us-east-1`,
        `${DEMO_SANDBOX} us-east-2`,
      ].sort(),
    );
    const posted = (accountId: string) =>
      demo.samples.filter((s) => s.finding.accountId === accountId && s.outcome.kind === 'posted');
    // The compact message: its body (and buttons) in the attachment beside the severity bar.
    const drawn = (findingId: string) => {
      const message = messageFor(demo, findingId);
      return JSON.stringify([message?.blocks, message?.attachments]);
    };
    for (const { finding } of posted(DEMO_PRODUCTION)) {
      const shown = drawn(finding.id);
      expect(shown).toContain(`prod-payments · \`${finding.region}\``);
      expect(shown).toContain('_Dry run only in this account_');
    }
    expect(posted(DEMO_SANDBOX).length).toBeGreaterThan(0);
    for (const { finding } of posted(DEMO_SANDBOX)) {
      const shown = drawn(finding.id);
      expect(shown).toContain('dev-sandbox · ');
      expect(shown).toContain(
        `:lock: Read-only: account ${DEMO_SANDBOX} is not in the accounts file's allow-list`,
      );
      // Paging and Details stay; remediation does not.
      expect(actionIdsOf(JSON.parse(shown)).filter((id) => id.startsWith('remediate:'))).toEqual(
        [],
      );
    }
    const admin = posted(DEMO_ADMIN)[0]?.finding;
    expect(actionIdsOf(JSON.parse(drawn(admin?.id ?? '')))).toContain('remediate:archive');
    expect(drawn(admin?.id ?? '')).toContain('security-tooling · ');
  });

  it('lists by account and region, counts by account, and shows where findings came from in status', async () => {
    // What GuardDuty would list by default: updated in the last 7 days, not archived.
    const listable = demo.samples.filter(
      (s) => !s.finding.service.archived && Date.parse(s.finding.updatedAt) >= Date.now() - 7 * DAY,
    );
    const inProdEast1 = listable.filter(
      (s) => s.finding.accountId === DEMO_PRODUCTION && s.finding.region === 'us-east-1',
    );
    expect(inProdEast1.length).toBeGreaterThan(0);
    const listed = await command('list --account Prod-Payments --region us-east-1');
    expect(listed.text).toBe(
      `${inProdEast1.length} ${inProdEast1.length === 1 ? 'finding' : 'findings'} in account prod-payments (\`${DEMO_PRODUCTION}\`), in \`us-east-1\`, updated in the last 7d, not archived`,
    );
    for (const { finding } of inProdEast1) {
      expect(JSON.stringify(listed.blocks)).toContain(finding.id);
    }

    // Without --region: the stack's own region, us-east-2.
    const stats = JSON.stringify((await command('stats')).blocks);
    const home = listable.filter((s) => s.finding.region === 'us-east-2');
    const count = (accountId: string) =>
      home.filter((s) => s.finding.accountId === accountId).length;
    expect(stats).toContain('*By account*');
    for (const [accountId, name] of [
      [DEMO_ADMIN, 'security-tooling'],
      [DEMO_PRODUCTION, 'prod-payments'],
    ] as const) {
      expect(count(accountId)).toBeGreaterThan(0);
      expect(stats).toContain(`${count(accountId)} · ${name} (\`${accountId}\`)`);
    }

    const status = JSON.stringify((await command('status')).blocks);
    expect(status).toContain(
      '*Accounts and regions seen in the last 24 h*: 3 accounts in 2 regions',
    );
    expect(status).toContain(
      ':white_check_mark: *Member roles*: no account where AssumeRole is failing',
    );

    expect((await command('list --account nobody-here')).text).toBe(
      'No account is named `nobody-here`. Give its name as the accounts file or AWS Organizations has it, or its 12-digit id.',
    );
  });

  it('refuses a second demo on the same data folder, and a port already in use', async () => {
    await expect(startDemo({ dataDir, port: 0, live: false, log: silentLog })).rejects.toThrow(
      new DataFolderInUseError(dataDir),
    );
    const other = await mkdtemp(join(tmpdir(), 'demo-other-'));
    try {
      const refused = join(other, 'data');
      await expect(
        startDemo({ dataDir: refused, port: demo.slack.port, live: false, log: silentLog }),
      ).rejects.toThrow(new PortInUseError(demo.slack.port));
      // Refused before anything was written: no data folder, no credentials to clean up.
      await expect(readdir(other)).resolves.toEqual([]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    // The refused starts left the running demo alone.
    expect((await fetch(`${demo.url}local/state`)).status).toBe(200);
  });

  it('runs the canary on /guardduty status --check: its sample goes through the findings pipeline, is recorded and never posted; status shows the run', async () => {
    const posts = demo.slack.callsTo('chat.postMessage').length;
    const before = responseUrlAnswers(demo.slack).length;
    const ack = await demo.slack.runSlashCommand({
      user: ALICE,
      channel: CHANNEL,
      text: 'status --check',
    });
    expect(ack.status).toBe(200);
    const [check] = (await waitForResponses(demo.slack, before + 1)).slice(before);
    const text = JSON.stringify(check);
    expect(text).toContain('every check passed');
    expect(text).toMatch(/us-east-1\*: sample arrived in \d+ s/);
    expect(text).toContain('Slack accepts the bot token');
    expect(text).toContain('EventBridge rule guardduty-chatops-findings is ENABLED');
    expect(text).toMatch(/the IP Insights model was trained \d{4}-\d{2}-\d{2}, 0 days ago/);
    // The sample reached the findings handler and was recorded, not posted.
    expect(demo.slack.callsTo('chat.postMessage')).toHaveLength(posts);

    await demo.slack.runSlashCommand({ user: ALICE, channel: CHANNEL, text: 'status' });
    const [status] = (await waitForResponses(demo.slack, before + 2)).slice(before + 1);
    expect(JSON.stringify(status)).toMatch(
      /:white_check_mark: \*Canary us-east-1\*: last run .+ \(\d+ s ago, on demand\), sample arrived in \d+ s/,
    );

    // The rule disabled on the demo's bus: one alert in the channel, naming the check and region.
    demo.canary.bus.setRuleState('us-east-1', 'DISABLED');
    const failed = await demo.canary.canary.run('command');
    expect(
      failed.regions[0]!.checks.filter((c) => c.status === 'failing').map((c) => c.check),
    ).toEqual(['sample', 'rule']);
    demo.canary.bus.setRuleState('us-east-1', 'ENABLED');
  }, 120_000);

  it('after a restart shows the same channel and posts nothing again', async () => {
    const before = demo.slack.snapshot().channels;
    await demo.close();
    demo = await startDemo({ dataDir, port: 0, live: false, log: silentLog });

    expect(demo.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(demo.slack.callsTo('chat.update')).toHaveLength(0);
    expect(new Set(demo.samples.map((s) => s.outcome.kind))).toEqual(new Set(['unchanged']));
    expect(demo.model.trained).toBe(false);
    expect(demo.slack.snapshot().channels).toEqual(before);
  });
});

describe('the demo with the bot wiring of a build', () => {
  it('hands the listeners requests signed like Slack, and the page the audit log', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'demo-wiring-'));
    const contexts: DemoBotContext[] = [];
    const queries: unknown[] = [];
    const entry: AuditEntry = {
      chain: DEV_ALICE.id,
      seq: 1,
      at: '2026-11-25T08:00:00.000Z',
      type: 'request',
      actor: { userId: ALICE, teamId: 'T0LOCAL001' },
      action: 'disable-key',
      findingId: DEV_ALICE.id,
      target: 'AKIA123456789EXAMPLE',
      dryRun: false,
    };
    const audit: AuditReader = {
      list: (query) => {
        queries.push(query);
        return Promise.resolve([entry]);
      },
    };
    const demo = await startDemo({
      dataDir,
      port: 0,
      live: true,
      log: silentLog,
      clock: () => NOW,
      findings: () => Promise.resolve([DEV_ALICE]),
      bot: (context) => {
        contexts.push(context);
        return {
          register: [
            (app) =>
              app.command('/guardduty', async ({ ack, command }) => {
                await ack(`pong from ${command.user_name}: ${command.text}`);
              }),
          ],
          audit,
        };
      },
    });
    try {
      expect(contexts).toHaveLength(1);
      // The one finding is moved to end at the first start, as the samples are.
      const { findings } = await contexts[0]!.guardduty.getFindings(SAMPLE_DETECTOR_ID, [
        DEV_ALICE.id,
      ]);
      expect(findings).toMatchObject([
        { id: DEV_ALICE.id, updatedAt: NOW.toISOString(), title: DEV_ALICE.title },
      ]);
      expect(contexts[0]!.config).toMatchObject({
        dryRun: false,
        minSeverity: 0,
        responders: { users: [ALICE], groups: [] },
        slack: { channelId: CHANNEL, apiUrl: demo.slack.apiUrl },
      });
      const answer = await fetch(`${demo.url}local/command`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: ALICE, channel: CHANNEL, text: 'list' }),
      });
      expect(await answer.json()).toMatchObject({ status: 200 });
      expect(demo.slack.snapshot().ephemerals).toMatchObject([
        { user: ALICE, channel: CHANNEL, text: 'pong from alice: list' },
      ]);
      expect(await getJson(`${demo.url}demo/audit?limit=5`)).toEqual({
        status: 200,
        body: { available: true, entries: [entry] },
      });
      expect(queries).toEqual([{ limit: 5 }]);
      expect((await getJson(`${demo.url}demo/audit?limit=500`)).status).toBe(400);
      expect((await getJson(`${demo.url}demo/info`)).body).toMatchObject({ dryRun: false });
    } finally {
      await demo.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
