import {
  GetFindingsCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkGuardDutyReader } from '../src/aws/guardDutyFindings';
import { parseCommand } from '../src/bot/commands/parse';
import { NoModelScorer } from '../src/ipinsights/scorer';
import { startCommandHarness } from '../harness/commandHarness';
import { sdkFixture } from '../harness/sdkFindings';
import { formatNumber, type BenchRow } from './table';

/**
 * `/guardduty` over loopback: the real Bolt app, the local Slack sending signed requests, GuardDuty
 * answering instantly (aws-sdk-client-mock). Slack allows 3 s for the ack; the answer of a slow
 * subcommand comes later by response_url, so its time is measured to that post.
 */

const ACK_TARGET_MS = 300;
const ANSWER_TARGET_MS = 1000;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timed(runs: number, once: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

function parserThroughput(quick: boolean): number {
  const texts = [
    'list --severity high --since 24h --type Recon:EC2/* --archived',
    'score AROAEXAMPLE:alice 198.51.100.7',
    'audit <@U0ALICE|alice> --limit 50',
    'lsit --sevrity hgih',
    'show &lt;!channel&gt;',
  ];
  const n = quick ? 20_000 : 200_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) parseCommand(texts[i % texts.length] ?? '');
  return n / ((performance.now() - start) / 1000);
}

export async function commandsBench({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  // Node 20 is supported here; the SDK's notice about its future releases is noise in a table.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const guardduty = mockClient(GuardDutyClient);
  const ids = Array.from({ length: 50 }, (_, i) => `f${i}`);
  guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
  guardduty.on(ListFindingsCommand).resolves({ FindingIds: ids });
  const findings = ids.map((id) =>
    sdkFixture('Synthetic_CryptoCurrency_EC2_BitcoinTool.B.Outbound.json', (w) => {
      w.id = id;
    }),
  );
  guardduty.on(GetFindingsCommand).resolves({ Findings: findings });
  const harness = await startCommandHarness({
    guardduty: new SdkGuardDutyReader(new GuardDutyClient({ region: 'us-east-2' })),
    scorer: new NoModelScorer(),
    clock: () => new Date(),
  });
  const runs = quick ? 20 : 100;
  try {
    const help = await timed(runs, () => harness.run('help'));
    const error = await timed(runs, () => harness.run('lsit --since 2y'));
    // Each response_url may be used 5 times; every run gets a fresh one.
    const list = await timed(runs, () => harness.runAndWait('list --since 7d'));
    const row = (metric: string, times: readonly number[], target: number): BenchRow[] => [
      {
        metric: `${metric} p50`,
        value: `${percentile(times, 50).toFixed(1)} ms`,
      },
      {
        metric: `${metric} p95`,
        value: `${percentile(times, 95).toFixed(1)} ms`,
        target: `< ${target} ms`,
        ok: percentile(times, 95) < target,
      },
    ];
    return [
      { metric: 'parser throughput', value: `${formatNumber(parserThroughput(quick))} commands/s` },
      ...row('help: request to ack', help, ACK_TARGET_MS),
      ...row('parse error: request to ack', error, ACK_TARGET_MS),
      ...row('list of 50: request to response_url answer', list, ANSWER_TARGET_MS),
    ];
  } finally {
    await harness.close();
    guardduty.restore();
  }
}
