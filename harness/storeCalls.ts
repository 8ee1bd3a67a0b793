import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Every request a DynamoDB client sends, by operation, as seen at the SDK's boundary. */
export interface StoreCalls {
  /** Operation names in order: `GetItemCommand`, `UpdateItemCommand`, … */
  readonly sent: readonly string[];
  reset(): void;
  stop(): void;
}

let counters = 0;

/** Counts the client's requests (one per round trip; the SDK's own retries are not counted). */
export function countStoreCalls(client: DynamoDBDocumentClient): StoreCalls {
  const sent: string[] = [];
  const name = `countStoreCalls${(counters += 1)}`;
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    sent,
    reset: () => void sent.splice(0),
    stop: () => void client.middlewareStack.remove(name),
  };
}
