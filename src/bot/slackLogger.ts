import { LogLevel, type Logger as SlackLogger } from '@slack/logger';

/** Keeps Bolt's and WebClient's own logs quiet (tests, benchmarks). */
export const silentSlackLogger: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
