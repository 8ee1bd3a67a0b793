import { CHECKS, type CheckName, type CheckResult } from './checks';

/** One canary run in one region, as status shows it. */
export interface RunSummary {
  readonly runId: string;
  /** When the run started (ISO). */
  readonly at: string;
  /** What started it: the schedule, or someone's `/guardduty status --check`. */
  readonly trigger: 'schedule' | 'command';
  readonly checks: readonly CheckResult[];
  /** From CreateSampleFindings to the findings function recording the sample, when it arrived. */
  readonly latencyMs?: number;
  readonly sampleFindingId?: string;
}

export interface FailingCheck {
  /** The first run that saw it fail, of this streak (ISO). */
  readonly since: string;
  readonly detail: string;
}

/**
 * A message one run has claimed and is posting. Only the run whose state write wins posts it, so
 * two overlapping runs never post the same change twice; a claim older than `NOTICE_CLAIM_MS`
 * was lost (the run died) and the next run may claim again.
 */
export interface Notice {
  readonly id: string;
  readonly claimedAt: string;
  /** What is failing now (the channel will have been told this once it is posted). */
  readonly failing: readonly CheckName[];
  /** Newly failing since the last message. */
  readonly raised: readonly CheckName[];
  /** Failing in the last message, passing now, with when each started failing (ISO). */
  readonly cleared: readonly CheckName[];
  readonly clearedSince: Readonly<Partial<Record<CheckName, string>>>;
  /** Earlier messages that could not be posted, for this one to say so. */
  readonly undelivered?: Undelivered;
}

export interface Undelivered {
  readonly since: string;
  readonly error: string;
  /** What the undelivered messages said was failing, and since when (ISO). */
  readonly failing: Readonly<Partial<Record<CheckName, string>>>;
}

/**
 * The canary's memory of a region: the last run, the checks failing now and since when, the last
 * time each passed, the last failure, and what the channel has been told. Written conditionally
 * on `version`, so overlapping runs (a schedule and a `--check`) settle one after the other.
 */
export interface RegionState {
  readonly region: string;
  readonly version: number;
  readonly lastRun?: RunSummary;
  readonly failing: Readonly<Partial<Record<CheckName, FailingCheck>>>;
  /** When each check last passed (ISO). */
  readonly lastOk: Readonly<Partial<Record<CheckName, string>>>;
  readonly lastFailure?: { readonly at: string; readonly checks: readonly CheckResult[] };
  /** The failing checks the channel was last told about (empty: all well, or nothing said yet). */
  readonly announced: readonly CheckName[];
  readonly notice?: Notice;
  /** Messages that could not be posted since then (the bot token was rejected, Slack was down). */
  readonly undelivered?: Undelivered;
}

/** How long a run's claim on a message holds before another run may post instead. */
export const NOTICE_CLAIM_MS = 5 * 60_000;

export function emptyRegionState(region: string): RegionState {
  return { region, version: 0, failing: {}, lastOk: {}, announced: [] };
}

const inOrder = (checks: Iterable<CheckName>) => {
  const set = new Set(checks);
  return CHECKS.filter((check) => set.has(check));
};

function sameChecks(a: readonly CheckName[], b: readonly CheckName[]): boolean {
  return a.length === b.length && a.every((check) => b.includes(check));
}

/**
 * The region's state after a run: pure, so a run that loses the write race can recompute from
 * the state that won. A message is claimed only when what is failing differs from what the
 * channel was told, or when earlier messages went undelivered and Slack accepts the token again.
 */
export function advance(
  previous: RegionState | undefined,
  region: string,
  run: RunSummary,
  now: Date,
  newId: () => string,
): RegionState {
  const base = previous ?? emptyRegionState(region);
  const failing: Partial<Record<CheckName, FailingCheck>> = {};
  const lastOk: Partial<Record<CheckName, string>> = { ...base.lastOk };
  for (const result of run.checks) {
    if (result.status === 'ok') lastOk[result.check] = run.at;
    if (result.status === 'failing') {
      failing[result.check] = {
        since: base.failing[result.check]?.since ?? run.at,
        detail: result.detail,
      };
    }
  }
  const failingNow = inOrder(Object.keys(failing) as CheckName[]);
  const failedChecks = run.checks.filter((c) => c.status === 'failing');
  const tokenOk = run.checks.some((c) => c.check === 'token' && c.status === 'ok');
  const changed = !sameChecks(failingNow, base.announced);
  const owed = base.undelivered !== undefined && tokenOk;
  const pending =
    base.notice !== undefined && now.getTime() - Date.parse(base.notice.claimedAt) < NOTICE_CLAIM_MS
      ? base.notice
      : undefined;
  let notice: Notice | undefined = pending;
  if (pending === undefined && (changed || owed)) {
    // Recovered: what the channel was told, and what undelivered messages would have told it.
    const missed = Object.keys(base.undelivered?.failing ?? {}) as CheckName[];
    const cleared = inOrder(
      [...base.announced, ...missed].filter((check) => !failingNow.includes(check)),
    );
    const clearedSince: Partial<Record<CheckName, string>> = {};
    for (const check of cleared) {
      const since = base.failing[check]?.since ?? base.undelivered?.failing[check];
      if (since !== undefined) clearedSince[check] = since;
    }
    notice = {
      id: newId(),
      claimedAt: now.toISOString(),
      failing: failingNow,
      raised: failingNow.filter(
        (check) => !base.announced.includes(check) && !missed.includes(check),
      ),
      cleared,
      clearedSince,
      ...(base.undelivered === undefined ? {} : { undelivered: base.undelivered }),
    };
  }
  const { notice: _old, lastFailure: _lastFailure, ...kept } = base;
  return {
    ...kept,
    region: base.region,
    version: base.version + 1,
    lastRun: run,
    failing,
    lastOk,
    ...(failedChecks.length > 0
      ? { lastFailure: { at: run.at, checks: failedChecks } }
      : base.lastFailure === undefined
        ? {}
        : { lastFailure: base.lastFailure }),
    ...(notice === undefined ? {} : { notice }),
  };
}

/** The channel has the notice: what it said is what the channel knows now. */
export function noticePosted(state: RegionState, noticeId: string): RegionState | undefined {
  if (state.notice?.id !== noticeId) return undefined;
  const { notice, undelivered: _undelivered, ...rest } = state;
  return { ...rest, version: state.version + 1, announced: notice.failing };
}

/** The notice could not be posted: the claim goes, and the next message says what was missed. */
export function noticeFailed(
  state: RegionState,
  noticeId: string,
  error: string,
): RegionState | undefined {
  if (state.notice?.id !== noticeId) return undefined;
  const { notice, ...rest } = state;
  const failing: Partial<Record<CheckName, string>> = { ...state.undelivered?.failing };
  for (const check of notice.failing) {
    const since = state.failing[check]?.since;
    if (since !== undefined) failing[check] ??= since;
  }
  return {
    ...rest,
    version: state.version + 1,
    undelivered: { since: state.undelivered?.since ?? notice.claimedAt, error, failing },
  };
}
