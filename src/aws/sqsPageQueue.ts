import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { PageQueue, PageRequest } from '../paging/ports';

/**
 * Page requests on AWS: one SQS message each, delivered by the pager function, which the queue
 * retries (visibility timeout) and finally moves to the dead-letter queue, where an alarm fires.
 */
export class SqsPageQueue implements PageQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({ maxAttempts: 3 }),
  ) {}

  async enqueue(request: PageRequest): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(request) }),
    );
  }
}
