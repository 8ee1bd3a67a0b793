import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HTTPReceiver, LogLevel } from '@slack/bolt';
import { startLocalSlack } from '@guardduty-chatops/slack-sandbox';
import { createBoltApp } from '../src/bot/app';
import { loadConfig } from '../src/config';
import { parseFindingInput, type Finding } from '../src/findings';
import { createScorer } from '../src/ipinsights/factory';
import { createRuntime } from '../src/app/runtime';
import { openedStore } from '../src/app/store';
import { findingRecords } from '../src/app/findingRecordWriter';
import { silentSlackLogger } from '../src/bot/slackLogger';
import { silentLog } from '../src/shared/log';
import { createDocumentClient } from '../src/store/documentClient';
import { startEmbeddedDynamo } from '../src/store/embeddedDynamo';
import { ensureTables } from '../src/store/ensureTables';
import { DEFAULT_TABLE_NAMES, tableDefinitions } from '../src/store/tables';
import { formatNumber, type BenchRow, type BenchSection } from './table';
import { percentile } from '../harness/percentile';

const CHANNEL = 'C0SECURITY';
const RESPONDER = 'U0ALICE';
const FIXTURE = join(
  __dirname,
  '..',
  'test',
  'fixtures',
  'guardduty',
  'Synthetic_Discovery_IAMUser_AnomalousBehavior.json',
);

function findingNumber(base: Finding, n: number): Finding {
  return { ...base, id: `${base.id.slice(0, 24)}${n.toString(16).padStart(8, '0')}` };
}

/**
 * Clicks over loopback with every real part: dynalite, the local Slack server, the Bolt app over
 * HTTP with signature checks, the remediation service and the in-process worker (dry run, so no
 * AWS). Click → ack is the signed request's round trip to the bot (authorise, conditional intent
 * write, audit append, hand-over); click → updated message runs until the worker's final
 * chat.update of the finding message.
 */
export const clicksBench: BenchSection = async ({ quick }) => {
  // Node 20 is supported here; the SDK's notice about its future releases is noise in a table.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const clicks = quick ? 30 : 200;
  const dynamo = await startEmbeddedDynamo();
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTables(client, tableDefinitions(DEFAULT_TABLE_NAMES));
  const slack = await startLocalSlack({
    channels: [{ id: CHANNEL, name: 'security' }],
    users: [{ id: RESPONDER, name: 'alice' }],
  });
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: CHANNEL,
    RESPONDERS: RESPONDER,
    MIN_SEVERITY: '0',
    STORE: 'dynamodb',
    DRY_RUN: 'true',
  });
  const store = openedStore(client, config.store.tables, () => Promise.resolve());
  const runtime = createRuntime(config, {
    log: silentLog,
    store,
    findings: findingRecords(store),
    scorer: await createScorer({}, {}),
  });
  const app = createBoltApp({
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    receiver: new HTTPReceiver({ signingSecret: slack.signingSecret, logger: silentSlackLogger }),
    logLevel: LogLevel.ERROR,
    register: [runtime.remediation.listeners],
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  slack.setEventsUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);

  const base = parseFindingInput(JSON.parse(readFileSync(FIXTURE, 'utf8'))).finding;
  const ack: number[] = [];
  const updated: number[] = [];
  try {
    // One finding per click, plus one to warm up every path first.
    for (let n = 0; n <= clicks; n += 1) {
      const finding = findingNumber(base, n);
      const posted = await runtime.publisher.publish(finding);
      if (posted.kind !== 'posted') throw new Error(`not posted: ${posted.kind}`);
      const updatesBefore = slack.callsTo('chat.update').length;
      const started = performance.now();
      const response = await slack.clickButton({
        user: RESPONDER,
        messageTs: posted.ts,
        actionId: 'remediate:archive',
      });
      if (response.status !== 200) throw new Error(`click answered ${response.status}`);
      // The worker updates the message twice: "in progress", then the outcome.
      await slack.waitForCalls('chat.update', updatesBefore + 2, 10_000);
      const done = performance.now();
      if (n === 0) continue;
      ack.push(response.elapsedMs);
      updated.push(done - started);
    }
    await runtime.remediation.idle();
  } finally {
    await app.stop();
    await slack.close();
    await runtime.close();
    client.destroy();
    await dynamo.close();
  }
  ack.sort((a, b) => a - b);
  updated.sort((a, b) => a - b);
  const ms = (value: number) => `${formatNumber(value, 1)} ms`;
  const ackP99 = percentile(ack, 99);
  return [
    { metric: 'clicks (sequential, dry run)', value: formatNumber(ack.length) },
    { metric: 'click → ack p50', value: ms(percentile(ack, 50)) },
    { metric: 'click → ack p99', value: ms(ackP99), target: '< 300 ms', ok: ackP99 < 300 },
    { metric: 'click → updated message p50', value: ms(percentile(updated, 50)) },
    { metric: 'click → updated message p99', value: ms(percentile(updated, 99)) },
  ] satisfies BenchRow[];
};
