import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';

/**
 * DynamoDB answers a failed conditional write with the item that failed it when asked
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), which saves a read after every lost
 * condition. dynalite predates that parameter, so the embedded store puts this proxy in front of
 * it: the write goes to dynalite as it is, and a ConditionalCheckFailedException gets the item,
 * read at once with GetItem, in its body, as DynamoDB's own answer has it.
 */

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const PREFIX = 'DynamoDB_20120810.';

function readAll(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

const agent = new Agent({ keepAlive: true });

function forward(port: number, headers: IncomingHttpHeaders, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        readAll(response)
          .then((text) =>
            resolve({ status: response.statusCode ?? 500, headers: response.headers, body: text }),
          )
          .catch(reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

type Json = Record<string, unknown>;

export class ConditionFailureItems {
  private readonly keyNames = new Map<string, readonly string[]>();

  constructor(private readonly dynalitePort: number) {}

  private call(headers: IncomingHttpHeaders, action: string, input: Json): Promise<Answer> {
    return forward(
      this.dynalitePort,
      { ...headers, 'x-amz-target': `${PREFIX}${action}` },
      JSON.stringify(input),
    );
  }

  private async keyOf(headers: IncomingHttpHeaders, table: string, input: Json): Promise<Json> {
    if (input.Key !== undefined) return input.Key as Json;
    let names = this.keyNames.get(table);
    if (names === undefined) {
      const described = await this.call(headers, 'DescribeTable', { TableName: table });
      const schema = (
        JSON.parse(described.body) as { Table?: { KeySchema?: { AttributeName: string }[] } }
      ).Table?.KeySchema;
      names = (schema ?? []).map((k) => k.AttributeName);
      this.keyNames.set(table, names);
    }
    const item = (input.Item ?? {}) as Json;
    return Object.fromEntries(names.map((name) => [name, item[name]]));
  }

  async answer(headers: IncomingHttpHeaders, body: string): Promise<Answer> {
    const target = String(headers['x-amz-target'] ?? '');
    const action = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '';
    if (!WRITES.has(action) || !body.includes('ReturnValuesOnConditionCheckFailure')) {
      return forward(this.dynalitePort, headers, body);
    }
    const input = JSON.parse(body) as Json;
    const wanted = input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
    delete input.ReturnValuesOnConditionCheckFailure;
    const answer = await this.call(headers, action, input);
    if (
      !wanted ||
      answer.status !== 400 ||
      !answer.body.includes('ConditionalCheckFailedException')
    ) {
      return answer;
    }
    const table = String(input.TableName);
    const got = await this.call(headers, 'GetItem', {
      TableName: table,
      Key: await this.keyOf(headers, table, input),
      ConsistentRead: true,
    });
    const item = (JSON.parse(got.body) as { Item?: Json }).Item;
    const failure = JSON.parse(answer.body) as Json;
    // The body changed: its checksum header no longer holds, and the SDK checks it when present.
    const { 'x-amz-crc32': _crc, 'content-length': _length, ...headersOut } = answer.headers;
    return {
      status: 400,
      headers: headersOut,
      body: JSON.stringify(item === undefined ? failure : { ...failure, Item: item }),
    };
  }
}

/** The proxy server in front of dynalite's port. */
export function conditionFailureProxy(dynalitePort: number): Server {
  const items = new ConditionFailureItems(dynalitePort);
  return createServer((request, response) => {
    readAll(request)
      .then(async (body) => {
        const { host: _host, ...headers } = request.headers;
        const answer = await items.answer(headers, body);
        const { 'transfer-encoding': _te, connection: _c, ...out } = answer.headers;
        response.writeHead(answer.status, {
          ...out,
          'content-length': Buffer.byteLength(answer.body),
        });
        response.end(answer.body);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
      });
  });
}
