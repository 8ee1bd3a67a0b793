import { SlackApiError } from './errors';
import type { FaultPlan } from './faults';
import type { ChannelRateLimit } from './rateLimit';
import type { MethodContext, MethodHandler } from './methods';
import type { RecordedCall } from './types';
import { parseApiRequest } from './webApiArgs';

export interface ApiHttpRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly contentType: string;
  readonly rawBody: string;
  readonly authorization: string | undefined;
}

export interface ApiHttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

export interface WebApiOptions {
  readonly botToken: string;
  /** The token was revoked (an admin removed the app): every call answers `token_revoked`. */
  readonly tokenRevoked?: boolean;
  readonly methods: Readonly<Record<string, MethodHandler>>;
  readonly context: MethodContext;
  readonly faults: FaultPlan;
  /** Slack's posting limit per channel, when the sandbox enforces it. */
  readonly rateLimit?: ChannelRateLimit;
  readonly record: (call: RecordedCall) => void;
}

function errorBody(error: SlackApiError): Record<string, unknown> {
  return error.messages.length === 0
    ? { ok: false, error: error.code }
    : { ok: false, error: error.code, response_metadata: { messages: error.messages } };
}

/**
 * One Web API call, in Slack's order: parse, unknown method, planned fault, token, method.
 * Every call is recorded, failed ones included, so tests see exactly what the bot sent.
 */
export function answerApiCall(options: WebApiOptions, request: ApiHttpRequest): ApiHttpAnswer {
  const at = options.context.clock.now();
  let token: string | undefined;
  let args: Record<string, unknown> = {};
  const finish = (answer: ApiHttpAnswer): ApiHttpAnswer => {
    const error = answer.body.error;
    options.record({
      method: request.method,
      args,
      at,
      ...(token === undefined ? {} : { token }),
      ok: answer.body.ok === true,
      ...(typeof error === 'string' ? { error } : {}),
    });
    return answer;
  };
  try {
    ({ token, args } = parseApiRequest(
      request.query,
      request.contentType,
      request.rawBody,
      request.authorization,
    ));
    const handler = options.methods[request.method];
    if (handler === undefined) {
      return finish({
        status: 200,
        headers: {},
        body: { ok: false, error: 'unknown_method', req_method: request.method },
      });
    }
    const fault = options.faults.take(request.method);
    if (fault !== undefined) return finish(fault);
    if (token === undefined) throw new SlackApiError('not_authed');
    if (token !== options.botToken) throw new SlackApiError('invalid_auth');
    if (options.tokenRevoked === true) throw new SlackApiError('token_revoked');
    if (request.method === 'chat.postMessage' && options.rateLimit !== undefined) {
      const wait = options.rateLimit.take(typeof args.channel === 'string' ? args.channel : '');
      if (wait !== undefined) {
        return finish({
          status: 429,
          headers: { 'Retry-After': String(wait) },
          body: { ok: false, error: 'ratelimited' },
        });
      }
    }
    return finish({
      status: 200,
      headers: {},
      body: { ok: true, ...handler(args, options.context) },
    });
  } catch (error) {
    if (error instanceof SlackApiError)
      return finish({ status: 200, headers: {}, body: errorBody(error) });
    throw error;
  }
}
