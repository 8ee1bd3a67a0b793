/**
 * What the canary checks, per region: that a sample finding makes it through the whole pipeline,
 * that the detector and the EventBridge rule feeding it are enabled; and once, in the stack's own
 * region, that Slack still accepts the bot token, that the IP Insights model is fresh and that no
 * dead-letter queue holds anything.
 */
export const CHECKS = ['sample', 'detector', 'rule', 'token', 'model', 'queues'] as const;

export type CheckName = (typeof CHECKS)[number];

/** `skipped`: not applicable here (no model configured, no queue in a laptop run). */
export type CheckStatus = 'ok' | 'failing' | 'skipped';

export interface CheckResult {
  readonly check: CheckName;
  readonly status: CheckStatus;
  /** What was seen, in the canary's words ("detector 12ab… is SUSPENDED"). */
  readonly detail: string;
}

/** The check as a noun, for status lines and metrics' readers. */
export const CHECK_LABELS: Readonly<Record<CheckName, string>> = {
  sample: 'findings arrive',
  detector: 'GuardDuty detector',
  rule: 'EventBridge rule',
  token: 'Slack bot token',
  model: 'IP Insights model',
  queues: 'dead-letter queues',
};

export function isCheckName(value: unknown): value is CheckName {
  return typeof value === 'string' && (CHECKS as readonly string[]).includes(value);
}

/** "2 h 5 min", "14 min", "40 s": how long, for a person reading an alert. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** "14:02 UTC". */
export function clockTime(at: Date | number | string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime())
    ? 'an unknown time'
    : `${date.toISOString().slice(11, 16)} UTC`;
}
