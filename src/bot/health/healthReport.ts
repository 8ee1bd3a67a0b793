import { CHECK_LABELS, clockTime, duration, type CheckResult } from '../../health/checks';
import type { CanaryReport } from '../../health/canary';
import type { RegionState } from '../../health/regionState';
import { ours } from '../render/text';
import { formatUtc } from '../render/time';
import { context, response, sections, type CommandResponse } from '../commands/responses';

const safe = (text: string, max = 400) => ours(text, max);

const ICON: Readonly<Record<CheckResult['status'], string>> = {
  ok: ':white_check_mark:',
  failing: ':x:',
  skipped: ':heavy_minus_sign:',
};

function ago(now: Date, at: string): string {
  return `${duration(now.getTime() - Date.parse(at))} ago`;
}

/**
 * `/guardduty status`: each region's last canary run, the sample's latency, and the last
 * failure with its time.
 */
export function canaryStatusLines(
  regions: readonly string[],
  states: ReadonlyMap<string, RegionState>,
  now: Date,
): string[] {
  if (regions.length === 0) {
    return [':grey_question: *Canary*: no region is configured (CANARY_REGIONS, AWS_REGION)'];
  }
  return regions.flatMap((region) => {
    const where = safe(region, 40);
    const state = states.get(region);
    const run = state?.lastRun;
    if (state === undefined || run === undefined) {
      return [
        `:grey_question: *Canary ${where}*: has not run yet — \`/guardduty status --check\` runs it now`,
      ];
    }
    const failing = run.checks.filter((c) => c.status === 'failing');
    const latency =
      run.latencyMs === undefined
        ? 'no sample arrived'
        : `sample arrived in ${duration(run.latencyMs)}`;
    const head = `${failing.length === 0 ? ':white_check_mark:' : ':x:'} *Canary ${where}*: last run ${formatUtc(run.at)} (${ago(now, run.at)}, ${run.trigger === 'command' ? 'on demand' : 'scheduled'}), ${latency}`;
    const lines = [head];
    for (const check of failing) {
      const since = state.failing[check.check]?.since;
      lines.push(
        `    • ${CHECK_LABELS[check.check]}: ${safe(check.detail)}${since === undefined ? '' : ` (failing since ${formatUtc(since)})`}`,
      );
    }
    const last = state.lastFailure;
    if (failing.length === 0) {
      lines.push(
        last === undefined
          ? '    • no failure seen yet'
          : `    • last failure ${formatUtc(last.at)}: ${last.checks.map((c) => safe(c.detail, 200)).join('; ')}`,
      );
    }
    return lines;
  });
}

/** The answer to `/guardduty status --check`: the run just made, check by check. */
export function renderCanaryCheck(report: CanaryReport): CommandResponse {
  const lines = report.regions.flatMap((region) => {
    const failing = region.checks.some((c) => c.status === 'failing');
    return [
      `${failing ? ':x:' : ':white_check_mark:'} *${safe(region.region, 40)}*${region.latencyMs === undefined ? '' : `: sample arrived in ${duration(region.latencyMs)}`}`,
      ...region.checks.map(
        (c) => `    ${ICON[c.status]} ${CHECK_LABELS[c.check]}: ${safe(c.detail)}`,
      ),
    ];
  });
  const failing = report.regions.some((r) => r.checks.some((c) => c.status === 'failing'));
  return response(
    [
      ...sections([
        `*Canary run* ${clockTime(report.startedAt)}–${clockTime(report.finishedAt)}: ${failing ? 'something is failing' : 'every check passed'}`,
        ...lines,
      ]),
      context(
        'A failure is posted to the channel once, and its recovery once; the metric and its alarm say it too.',
      ),
    ],
    `Canary run: ${failing ? 'something is failing' : 'every check passed'}`,
  );
}
