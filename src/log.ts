import { Logger } from '@aws-lambda-powertools/logger';
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';

/** The logging the modules need; Powertools' Logger satisfies it, and tests pass `silentLog`. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

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

export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Adapts Powertools' Logger (which takes the attributes as an optional rest argument). */
export function fromPowertools(logger: Logger): Log {
  const level =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, attributes?: Record<string, unknown>) => {
      if (attributes === undefined) logger[method](message);
      else logger[method](message, attributes);
    };
  return { debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') };
}

/** Structured JSON logs (Powertools) for a handler; the level comes from POWERTOOLS_LOG_LEVEL. */
export function createLogger(serviceName: string): { logger: Logger; log: Log } {
  const logger = new Logger({ serviceName });
  return { logger, log: fromPowertools(logger) };
}
