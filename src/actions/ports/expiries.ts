/** A suppression rule with an expiry date, waiting for the scheduled job to delete it. */
export interface ExpiryEntry {
  /** The date (YYYY-MM-DD, UTC) from which the rule is expired. */
  readonly expiresAt: string;
  /** The suppress family's subject (the finding the rule was made from). */
  readonly subject: string;
  readonly findingId: string;
}

/**
 * The suppressions that expire, by date: the worker adds one when a rule with an expiry is
 * created, the expiry job reads those due and removes each once its rule is gone.
 */
export interface SuppressionExpiries {
  add(entry: ExpiryEntry): Promise<void>;
  /** Every entry whose date has come (`expiresAt` ≤ `today`), oldest first. */
  due(today: string): Promise<ExpiryEntry[]>;
  remove(entry: ExpiryEntry): Promise<void>;
}
