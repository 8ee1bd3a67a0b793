import type { Finding } from '../../findings';
import type { Intent, IntentOutcome } from '../intents';

/** What the worker tells Slack (implemented in `src/bot/interactions`). */
export interface RemediationReporter {
  /** The intent started: the message shows it in progress. */
  progress(intent: Intent): Promise<void>;
  /** The intent ended: the message shows the new state, the thread the details. */
  finished(intent: Intent, finding: Finding, outcome: IntentOutcome): Promise<void>;
}
