/**
 * How many refusals of one user the audit log takes per window: a non-responder clicking in a
 * loop must not flood the log or slow real actions down. Past the limit one record says that
 * further refusals are only counted.
 */
export type RefusalVerdict = 'record' | 'record-and-stop' | 'count-only';

export interface RefusalLimiter {
  take(userId: string): Promise<RefusalVerdict>;
}

export const UNLIMITED_REFUSALS: RefusalLimiter = { take: () => Promise.resolve('record') };
