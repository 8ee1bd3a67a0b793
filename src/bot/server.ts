import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HTTPModuleFunctions,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  type App,
  type HTTPReceiverOptions,
} from '@slack/bolt';
import { createBoltApp, REQUEST_TIMESTAMP } from './app';
import type { BotAuthorize } from './botIdentity';
import { FutureSlackRequestError } from './requestSignature';
import { MalformedSlackRequestError } from './requestShape';
import { CodedError, ErrorCode } from '../shared/errors';

export interface RunningBot {
  /** `http://HOST:PORT/slack/events`, or undefined in Socket Mode (Slack is dialled out to). */
  readonly eventsUrl?: string;
  stop(): Promise<void>;
}

/** Nothing listens: the port is taken or not ours to bind. */
export class PortUnavailableError extends CodedError {
  override readonly name = 'PortUnavailableError';
  readonly code = ErrorCode.PortUnavailable;
}

/** The Slack app's credentials and where its Web API is. */
export interface SlackAppSettings {
  readonly signingSecret: string;
  readonly botToken: string;
  readonly apiUrl: string;
  /** An app-level token (`xapp-…`) selects Socket Mode. */
  readonly appToken?: string;
}

export interface BotServerOptions {
  readonly slack: SlackAppSettings;
  readonly listeners: ReadonlyArray<(app: App) => void>;
  readonly port: number;
  /** Default 0.0.0.0 for `serve` behind a proxy; the sandbox binds 127.0.0.1. */
  readonly host?: string;
  /** The runtime's `authorize`, so the bot and the remediation service share one `auth.test`. */
  readonly authorize?: BotAuthorize;
}

/**
 * Bolt's HTTP receiver on POST /slack/events, answering a signed body it cannot route (truncated,
 * random bytes) with an immediate 400 rather than Bolt's 404 three seconds later.
 */
export function slackHttpReceiver(
  options: Pick<HTTPReceiverOptions, 'signingSecret' | 'logger' | 'logLevel'>,
): HTTPReceiver {
  return new HTTPReceiver({
    endpoints: '/slack/events',
    ...options,
    customPropertiesExtractor: (request) => {
      const timestamp = request.headers['x-slack-request-timestamp'];
      return typeof timestamp === 'string' ? { [REQUEST_TIMESTAMP]: timestamp } : {};
    },
    processEventErrorHandler: async (args) => {
      const status =
        args.error instanceof MalformedSlackRequestError
          ? 400
          : args.error instanceof FutureSlackRequestError
            ? 401
            : undefined;
      if (status === undefined) return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      args.logger.warn(`rejected a signed request: ${args.error.message}`);
      if (!args.response.headersSent) {
        args.response.writeHead(status);
        args.response.end();
      }
      return true;
    },
  });
}

/**
 * The Bolt app over HTTP (POST /slack/events, signatures checked by Bolt), or over Socket Mode
 * when an app-level token is configured: what `serve` and the sandbox run.
 */
export async function startBotServer(options: BotServerOptions): Promise<RunningBot> {
  const { slack } = options;
  const { appToken } = slack;
  if (appToken !== undefined) {
    const receiver = new SocketModeReceiver({ appToken, logLevel: LogLevel.WARN });
    const app = createBoltApp({ ...credentials(options), receiver, register: options.listeners });
    await app.start();
    return {
      stop: async () => {
        await app.stop();
      },
    };
  }
  const receiver = slackHttpReceiver({
    signingSecret: slack.signingSecret,
    logLevel: LogLevel.WARN,
  });
  const app = createBoltApp({ ...credentials(options), receiver, register: options.listeners });
  const host = options.host ?? '0.0.0.0';
  let server: Server;
  try {
    server = await app.start({ port: options.port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new PortUnavailableError(
        `port ${options.port} is ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}; set PORT or stop the other process`,
      );
    }
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    eventsUrl: `http://${shown}:${port}/slack/events`,
    stop: async () => {
      await app.stop();
    },
  };
}

function credentials(options: BotServerOptions) {
  const { slack, authorize } = options;
  return {
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    ...(authorize === undefined ? {} : { authorize }),
  };
}
