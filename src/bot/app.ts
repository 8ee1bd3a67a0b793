import type { Receiver } from '@slack/bolt';
// App's own module, not the package index: the index also loads Express (ExpressReceiver), which
// the Lambda bundles never use.
import App from '@slack/bolt/dist/App';
import { LogLevel } from '@slack/logger';

export interface BoltAppOptions {
  readonly botToken: string;
  readonly apiUrl: string;
  readonly receiver: Receiver;
  /** Registers the listeners (commands, actions, views) on the app. */
  readonly register: ReadonlyArray<(app: App) => void>;
  readonly logLevel?: LogLevel;
}

/**
 * The Bolt app. Its WebClient always targets `apiUrl`, so the sandbox and the tests never reach
 * slack.com, not even for the `auth.test` Bolt makes while starting.
 */
export function createBoltApp(options: BoltAppOptions): App {
  const app = new App({
    token: options.botToken,
    receiver: options.receiver,
    logLevel: options.logLevel ?? LogLevel.WARN,
    clientOptions: {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    },
  });
  for (const register of options.register) register(app);
  return app;
}
