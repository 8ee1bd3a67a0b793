import type { Intent, IntentOutcome } from '../../actions/intents';
import { isListKind, KINDS } from '../../actions/kinds';
import type { RemediationReporter } from '../../actions/ports/reporter';
import type { Finding } from '../../findings';
import type { PageQueue } from '../../paging/ports';
import { errorMessage } from '../../shared/errors';
import type { Log } from '../../shared/log';

/**
 * Reports as `inner` does, and resolves the finding's page when an action from Slack (or
 * `/guardduty`) archived or remediated it for real: a dry run changed nothing, so the incident
 * stays open; an undo does not reopen it. The pager skips a finding that was never paged.
 */
export function resolvingPages(
  inner: RemediationReporter,
  pages: PageQueue,
  clock: () => Date,
  log: Log,
): RemediationReporter {
  return {
    progress: (intent, finding) => inner.progress(intent, finding),
    async finished(intent: Intent, finding: Finding | undefined, outcome: IntentOutcome) {
      const info = KINDS[intent.kind];
      // A list change is threat intelligence, not a remediation of the finding: its page stays.
      if (
        outcome.status === 'succeeded' &&
        !intent.dryRun &&
        !info.undo &&
        !isListKind(intent.kind)
      ) {
        try {
          await pages.enqueue({
            findingId: intent.findingId,
            action: 'resolve',
            requestedAt: clock().toISOString(),
            by: {
              userId: intent.actor.userId,
              ...(intent.actor.userName === undefined ? {} : { userName: intent.actor.userName }),
            },
            reason: info.done.toLowerCase(),
          });
        } catch (error) {
          // The remediation is done and audited; the page stays open for a person to resolve.
          log.error('could not ask to resolve the page', {
            findingId: intent.findingId,
            error: errorMessage(error),
          });
        }
      }
      await inner.finished(intent, finding, outcome);
    },
  };
}
