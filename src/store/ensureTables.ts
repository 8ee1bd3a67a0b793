import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Creates missing tables and waits until they are active. For the embedded store only. */
export async function ensureTables(
  client: DynamoDBDocumentClient,
  definitions: readonly CreateTableCommandInput[],
): Promise<void> {
  for (const definition of definitions) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    for (;;) {
      const { Table } = await client.send(
        new DescribeTableCommand({ TableName: definition.TableName }),
      );
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
