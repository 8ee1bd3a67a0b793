import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../shared/log';

/** Adapts Powertools' Logger (which takes the attributes as an optional rest argument). */
function fromPowertools(logger: Logger): Log {
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
