import type { WorkspaceChange } from './types';

export type Listener<T> = (event: T) => void;

/** Fan-out of events to the observer page (SSE) and to tests waiting for them. */
export class Feed<T> {
  private readonly listeners = new Set<Listener<T>>();
  private revision = 0;

  get currentRevision(): number {
    return this.revision;
  }

  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: T): void {
    this.revision += 1;
    for (const listener of [...this.listeners]) listener(event);
  }
}

export type ChangeFeed = Feed<WorkspaceChange>;

/** Readable, ordered ids (`V0000000001`): deterministic, so test output is stable. */
export class IdSequence {
  private counter = 0;

  next(prefix: string, width = 10): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(width, '0')}`;
  }
}
