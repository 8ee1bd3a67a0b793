import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface LocalQueueOptions {
  /** The event source mapping's BatchSize. */
  readonly batchSize: number;
  /** Its ScalingConfig.MaximumConcurrency: batches handled at once. */
  readonly maxConcurrency: number;
  /** The queue's VisibilityTimeout: a failed message is received again this long after. */
  readonly visibilityTimeoutMs: number;
  /** The redrive policy's maxReceiveCount: then the message goes to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** The clock the queue keeps time on (scaled in the burst benchmark) and how it waits. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

interface Message {
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  visibleAt: number;
  receives: number;
}

/** `worker`: which of the concurrent consumers (a Lambda instance of its own) handles the batch. */
export type QueueHandler = (event: SQSEvent, worker: number) => Promise<SQSBatchResponse>;

/**
 * An SQS queue and Lambda's SQS event source mapping, in process: batches of visible messages
 * handed to at most `maxConcurrency` handlers at once, the batch's reported failures (or all of
 * it, when the handler throws) received again after the visibility timeout, and a message that
 * failed `maxReceiveCount` times moved to the dead-letter queue.
 */
export class LocalQueue {
  private readonly messages = new Map<string, Message>();
  private nextId = 0;
  readonly deadLettered: { readonly id: string; readonly body: string }[] = [];
  batches = 0;
  receives = 0;

  constructor(private readonly options: LocalQueueOptions) {}

  send(body: string): string {
    this.nextId += 1;
    const id = `m-${this.nextId.toString().padStart(6, '0')}`;
    const now = this.options.now();
    this.messages.set(id, { id, body, sentAt: now, visibleAt: now, receives: 0 });
    return id;
  }

  get size(): number {
    return this.messages.size;
  }

  /** Handles every message until the queue is empty (sent, deleted or dead-lettered). */
  async drain(handler: QueueHandler): Promise<void> {
    const workers = Array.from({ length: this.options.maxConcurrency }, (_, worker) =>
      this.work(handler, worker),
    );
    await Promise.all(workers);
  }

  private receive(): Message[] {
    const now = this.options.now();
    const batch: Message[] = [];
    for (const message of this.messages.values()) {
      if (batch.length >= this.options.batchSize) break;
      if (message.visibleAt > now) continue;
      message.visibleAt = now + this.options.visibilityTimeoutMs;
      message.receives += 1;
      batch.push(message);
    }
    return batch;
  }

  private async work(handler: QueueHandler, worker: number): Promise<void> {
    while (this.messages.size > 0) {
      const batch = this.receive();
      if (batch.length === 0) {
        // Everything left is in flight or waiting out its visibility timeout.
        await this.options.sleep(50);
        continue;
      }
      this.batches += 1;
      this.receives += batch.length;
      let failed: ReadonlySet<string>;
      try {
        const response = await handler({ Records: batch.map((m) => this.record(m)) }, worker);
        failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(batch.map((m) => m.id));
      }
      for (const message of batch) {
        if (!failed.has(message.id)) {
          this.messages.delete(message.id);
        } else if (message.receives >= this.options.maxReceiveCount) {
          this.messages.delete(message.id);
          this.deadLettered.push({ id: message.id, body: message.body });
        }
      }
    }
  }

  private record(message: Message): SQSRecord {
    return {
      messageId: message.id,
      receiptHandle: `${message.id}-${message.receives}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receives),
        SentTimestamp: String(message.sentAt),
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: String(message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:findings',
      awsRegion: 'us-east-1',
    };
  }
}
