import type { Finding } from '../../findings';
import type { Intent, IntentOutcome } from '../intents';

/** What the worker tells Slack (implemented in `src/bot/interactions`). */
export interface RemediationReporter {
  /** The intent started: every message about its subject shows it in progress. */
  progress(intent: Intent, finding: Finding): Promise<void>;
  /** The intent ended: the messages show the new state, the acting finding's thread the details. */
  finished(intent: Intent, finding: Finding, outcome: IntentOutcome): Promise<void>;
}
