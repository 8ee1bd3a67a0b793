/**
 * What a Lambda function builds once per container (configuration, clients, the store): built on
 * the first invocation and shared by the next ones; a failed build is retried by the next
 * invocation instead of poisoning the container.
 */
export function coldStartOnce<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
