import type { Finding } from '../../findings';
import type { Intent, IntentOutcome } from '../intents';

/** What the worker tells Slack (implemented in `src/bot/interactions`). */
export interface RemediationReporter {
  /**
   * The intent started: every message about its subject shows it in progress. `finding` is
   * undefined for a list action taken without one (`/guardduty threatlist add IP`).
   */
  progress(intent: Intent, finding: Finding | undefined): Promise<void>;
  /** The intent ended: the messages show the new state, the acting finding's thread the details. */
  finished(intent: Intent, finding: Finding | undefined, outcome: IntentOutcome): Promise<void>;
}
