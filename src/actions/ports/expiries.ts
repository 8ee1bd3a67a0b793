/**
 * Something the stack undoes on a date: a suppression rule with an expiry date, or a trusted IP
 * (its trust ends), waiting for the scheduled job to remove it.
 */
export interface ExpiryEntry {
  /**
   * The date (YYYY-MM-DD, UTC) the job starts looking at it: a rule is expired from 00:00 that
   * day; a trust at the time it recorded (that day), so the job checks the time as well.
   */
  readonly expiresAt: string;
  /** The family's subject: the finding a rule was made from, or the trusted entry. */
  readonly subject: string;
  /** The finding it was done from, or a list chain (`list:trusted:…`) for a command's. */
  readonly findingId: string;
  /** Absent: a suppression (entries written before trusts expired have none). */
  readonly family?: 'trust-ip';
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
