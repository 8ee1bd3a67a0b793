import type { Clock } from './types';

const MICROS_PER_SECOND = 1_000_000;
/** Step between two messages stamped in the same millisecond (Slack's ts often end in 00). */
const COLLISION_STEP_MICROS = 100;

const TS_PATTERN = /^(\d+)\.(\d{6})$/;

/** `"1732543200.000100"` → microseconds since the epoch; undefined for anything else. */
export function tsToMicros(ts: string): number | undefined {
  const match = TS_PATTERN.exec(ts);
  if (match === null) return undefined;
  return Number(match[1]) * MICROS_PER_SECOND + Number(match[2]);
}

export function microsToTs(micros: number): string {
  const seconds = Math.floor(micros / MICROS_PER_SECOND);
  const fraction = micros % MICROS_PER_SECOND;
  return `${seconds}.${String(fraction).padStart(6, '0')}`;
}

/** Orders two Slack timestamps (numerically; malformed ones sort first). */
export function compareTs(a: string, b: string): number {
  return (tsToMicros(a) ?? -1) - (tsToMicros(b) ?? -1);
}

/**
 * Message timestamps as Slack makes them: seconds and six digits, unique within the workspace
 * and strictly increasing even when the clock stands still or goes back.
 */
export class SlackTsGenerator {
  private lastMicros = 0;

  constructor(private readonly clock: Clock) {}

  /** Makes every later ts newer than `ts` (a message restored from a saved history). */
  observe(ts: string): void {
    this.lastMicros = Math.max(this.lastMicros, tsToMicros(ts) ?? 0);
  }

  next(): string {
    const fromClock = Math.floor(this.clock.now()) * 1000;
    this.lastMicros = Math.max(fromClock, this.lastMicros + COLLISION_STEP_MICROS);
    return microsToTs(this.lastMicros);
  }
}
