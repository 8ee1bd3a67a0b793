import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a bundle under test made: its AWS target (`X-Amz-Target`) or its path. */
export interface RecordedCall {
  readonly target: string;
  readonly method?: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface Answer {
  readonly status?: number;
  readonly contentType?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * AWS and Slack for a bundle in a child process: one loopback server that records every request
 * and answers as told. The SDK reaches it through AWS_ENDPOINT_URL(_<SERVICE>), WebClient
 * through SLACK_API_URL.
 */
export interface RecordingServer {
  readonly url: string;
  readonly recorded: RecordedCall[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function startRecordingServer(
  answer: (call: RecordedCall) => Answer,
): Promise<RecordingServer> {
  const recorded: RecordedCall[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const target = String(request.headers['x-amz-target'] ?? request.url);
      const call = { target, method: request.method ?? 'GET', headers: request.headers, body };
      recorded.push(call);
      const { status = 200, contentType, body: text = '', headers = {} } = answer(call);
      response.statusCode = status;
      if (contentType !== undefined) response.setHeader('content-type', contentType);
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      response.end(text);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        recorded,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * SSM's GetParameter (JSON protocol) answering with a String parameter's value: the accounts file
 * (its name ends in /accounts) as the template creates it, any other name with `value`.
 */
export function ssmParameterAnswer(
  call: RecordedCall,
  value: string,
  accounts = 'version: 1\naccounts: {}\n',
): Answer {
  const { Name } = JSON.parse(call.body) as { Name: string };
  return {
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({
      Parameter: {
        Name,
        Type: 'String',
        Value: Name.endsWith('/accounts') ? accounts : value,
        Version: 1,
        DataType: 'text',
      },
    }),
  };
}

/** Secrets Manager's GetSecretValue (JSON protocol) answering with the Slack secret. */
export function slackSecretAnswer(
  call: RecordedCall,
  secret: { signingSecret: string; botToken: string },
): Answer {
  const { SecretId } = JSON.parse(call.body) as { SecretId: string };
  return {
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({
      ARN: SecretId,
      Name: 'SlackSecret',
      VersionId: 'v1',
      VersionStages: ['AWSCURRENT'],
      SecretString: JSON.stringify(secret),
    }),
  };
}
