import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One event as PagerDuty's Events API v2 received it. */
export interface ReceivedEvent {
  readonly body: Record<string, unknown>;
  readonly status: number;
  readonly at: number;
}

/** How the next event is answered: an error status, or no answer for a while (a timeout). */
export type PagerDutyFault =
  | { readonly status: 429; readonly retryAfterSeconds?: number }
  | { readonly status: 400 | 500 | 503 }
  | { readonly hangMs: number };

/** An incident as the events made it: one per dedup key. */
export interface LocalIncident {
  readonly dedupKey: string;
  readonly status: 'triggered' | 'acknowledged' | 'resolved';
  readonly summary: string;
  readonly severity: string;
  readonly events: number;
}

export interface LocalPagerDuty {
  /** `http://127.0.0.1:PORT`, for the adapter's `eventsUrl`. */
  readonly url: string;
  readonly received: readonly ReceivedEvent[];
  readonly incidents: ReadonlyMap<string, LocalIncident>;
  failNext(fault: PagerDutyFault, times?: number): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);

/**
 * An Events-API-compatible recorder on loopback, for the tests and the demo (which must never
 * page anyone): `POST /v2/enqueue` answers 202 with the dedup key as PagerDuty does, checks what
 * PagerDuty checks (routing key, action, dedup key ≤ 255, a trigger's summary ≤ 1,024, source
 * and severity), keeps one incident per dedup key, and answers planned faults.
 */
export async function startLocalPagerDuty(
  options: { routingKey?: string; clock?: () => number } = {},
): Promise<LocalPagerDuty> {
  const received: ReceivedEvent[] = [];
  const incidents = new Map<string, LocalIncident>();
  const faults: PagerDutyFault[] = [];
  const clock = options.clock ?? Date.now;
  const hanging = new Set<NodeJS.Timeout>();

  const refuse = (errors: string[]) => ({
    status: 400,
    body: { status: 'invalid event', message: 'Event object is invalid', errors },
  });

  const answer = (body: Record<string, unknown>) => {
    const errors: string[] = [];
    if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32) {
      errors.push("'routing_key' must be a 32 character string");
    } else if (options.routingKey !== undefined && body.routing_key !== options.routingKey) {
      errors.push("'routing_key' is not an integration key of this account");
    }
    const action = body.event_action;
    if (typeof action !== 'string' || !ACTIONS.has(action)) {
      errors.push("'event_action' must be trigger, acknowledge or resolve");
    }
    const dedupKey = body.dedup_key;
    if (typeof dedupKey !== 'string' || dedupKey.length === 0 || dedupKey.length > 255) {
      errors.push("'dedup_key' must be 1-255 characters");
    }
    const payload = body.payload as Record<string, unknown> | undefined;
    if (action === 'trigger') {
      if (typeof payload?.summary !== 'string' || payload.summary.length > 1024) {
        errors.push("'payload.summary' must be a string of at most 1024 characters");
      }
      if (typeof payload?.source !== 'string') errors.push("'payload.source' is required");
      if (!['critical', 'error', 'warning', 'info'].includes(String(payload?.severity))) {
        errors.push("'payload.severity' must be critical, error, warning or info");
      }
    }
    if (errors.length > 0) return refuse(errors);
    const key = String(dedupKey);
    const existing = incidents.get(key);
    if (action === 'trigger') {
      incidents.set(key, {
        dedupKey: key,
        status:
          existing === undefined || existing.status === 'resolved' ? 'triggered' : existing.status,
        summary: String(payload?.summary),
        severity: String(payload?.severity),
        events: (existing?.events ?? 0) + 1,
      });
    } else if (existing !== undefined && existing.status !== 'resolved') {
      incidents.set(key, {
        ...existing,
        status: action === 'acknowledge' ? 'acknowledged' : 'resolved',
        events: existing.events + 1,
      });
    }
    return {
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: key },
    };
  };

  const server: Server = createServer((request, response) => {
    readBody(request)
      .then((text) => {
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
          response.end(JSON.stringify(body));
        };
        if (request.method !== 'POST' || request.url !== '/v2/enqueue') {
          send(404, { status: 'not found' });
          return;
        }
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          received.push({ body: {}, status: 400, at: clock() });
          send(400, {
            status: 'invalid event',
            message: 'Event object is invalid',
            errors: ['not JSON'],
          });
          return;
        }
        const fault = faults.shift();
        if (fault !== undefined && 'hangMs' in fault) {
          received.push({ body, status: 0, at: clock() });
          const timer = setTimeout(() => {
            hanging.delete(timer);
            send(504, { status: 'timeout' });
          }, fault.hangMs);
          hanging.add(timer);
          return;
        }
        if (fault !== undefined) {
          received.push({ body, status: fault.status, at: clock() });
          const headers: Record<string, string> =
            fault.status === 429 && fault.retryAfterSeconds !== undefined
              ? { 'Retry-After': String(fault.retryAfterSeconds) }
              : {};
          send(fault.status, { status: 'error', message: `planned ${fault.status}` }, headers);
          return;
        }
        const result = answer(body);
        received.push({ body, status: result.status, at: clock() });
        send(result.status, result.body);
      })
      .catch(() => {
        response.writeHead(500);
        response.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    incidents,
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const timer of hanging) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
