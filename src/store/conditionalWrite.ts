import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Every state change in the tables is a conditional write: the condition is the guarantee (one
 * claim, one intent, one seq), and losing it is an answer, not an error. Resolves to the write's
 * output, or undefined when the condition failed; anything else throws.
 */
export async function unlessConditionFails<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** The same, as "did our condition hold?". */
export async function conditionHeld(write: () => Promise<unknown>): Promise<boolean> {
  return (await unlessConditionFails(async () => (await write(), true))) === true;
}
