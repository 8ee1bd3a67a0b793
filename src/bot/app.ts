import type { Receiver, ReceiverEvent } from '@slack/bolt';
// App's own module, not the package index: the index also loads Express (ExpressReceiver), which
// the Lambda bundles never use.
import App from '@slack/bolt/dist/App';
import { LogLevel, type Logger } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import { botAuthorization, type BotAuthorize } from './botIdentity';
import { MalformedSlackRequestError, slackBodyProblem } from './requestShape';
import { FutureSlackRequestError, timestampProblem } from './requestSignature';

/** Where a receiver puts the request's `X-Slack-Request-Timestamp` for the app to check. */
export const REQUEST_TIMESTAMP = 'slackRequestTimestamp';

export interface BoltAppOptions {
  readonly botToken: string;
  readonly apiUrl: string;
  readonly receiver: Receiver;
  /** Registers the listeners (commands, actions, views) on the app. */
  readonly register: ReadonlyArray<(app: App) => void>;
  readonly logLevel?: LogLevel;
  /** Bolt's and its clients' logger; the console otherwise. */
  readonly logger?: Logger;
  /** Who the bot is (one `auth.test`, shared with the remediation service); asked here otherwise. */
  readonly authorize?: BotAuthorize;
}

/**
 * Bolt's App, refusing a body it could not route instead of leaving it unacknowledged (Bolt calls
 * no listener and Slack gets a 404 after 3 s): the receiver answers the error with a 400 at once.
 */
class CheckedApp extends App {
  override async processEvent(event: ReceiverEvent): Promise<void> {
    // Bolt's receivers refuse a request more than five minutes old, but not one from the future.
    const timestamp: unknown = event.customProperties?.[REQUEST_TIMESTAMP];
    if (typeof timestamp === 'string' && timestampProblem(timestamp, Date.now()) === 'future') {
      throw new FutureSlackRequestError(
        'the request is dated more than five minutes ahead of this clock',
      );
    }
    const problem = slackBodyProblem(event.body);
    if (problem !== undefined) throw new MalformedSlackRequestError(problem);
    await super.processEvent(event);
  }
}

/**
 * The Bolt app. Its WebClients always target `apiUrl`, so the sandbox and the tests never reach
 * slack.com, not even for the bot's `auth.test`. Listeners get a client holding the bot token
 * (from `authorize`); `app.client` holds none, so nothing should use it.
 */
export function createBoltApp(options: BoltAppOptions): App {
  const logLevel = options.logLevel ?? LogLevel.WARN;
  const clientOptions = {
    slackApiUrl: options.apiUrl,
    logLevel,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
  };
  const app = new CheckedApp({
    authorize:
      options.authorize ??
      botAuthorization(new WebClient(undefined, clientOptions), options.botToken),
    receiver: options.receiver,
    logLevel,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    clientOptions,
  });
  for (const register of options.register) register(app);
  return app;
}
