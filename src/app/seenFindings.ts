import type { OrganizationActivity } from '../actions/ports/organizationActivity';
import type { PublishOutcome } from '../bot/findingPublisher';
import type { Finding } from '../findings';
import { errorMessage } from '../shared/errors';
import type { Log } from '../shared/log';

/** How often one container records the same account and region (status shows the last 24 h). */
const EVERY_MS = 5 * 60_000;

/**
 * Records where findings come from, for `/guardduty status`: one write per account and region
 * every five minutes at most per container, never failing the finding (a lost write only makes
 * status a few minutes late).
 */
export function seenFindingsRecorder(
  activity: Pick<OrganizationActivity, 'sawFinding'>,
  clock: () => Date,
  log: Log,
) {
  const recorded = new Map<string, number>();
  return async (finding: Finding): Promise<void> => {
    const now = clock();
    const key = `${finding.accountId}:${finding.region}`;
    const last = recorded.get(key);
    if (last !== undefined && now.getTime() - last < EVERY_MS) return;
    recorded.set(key, now.getTime());
    try {
      await activity.sawFinding(finding.accountId, finding.region, now);
    } catch (error) {
      recorded.delete(key);
      log.warn('could not record the account and region of a finding', {
        findingId: finding.id,
        error: errorMessage(error),
      });
    }
  };
}

/** A finding that reached a channel or a digest came from its account and region. */
export function reachedSlack(outcome: PublishOutcome): boolean {
  return outcome.kind === 'posted' || outcome.kind === 'updated' || outcome.kind === 'gathered';
}
