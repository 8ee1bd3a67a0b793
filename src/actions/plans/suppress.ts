import { createHash } from 'node:crypto';
import { criteriaSent, filterCriterion } from '../suppression';
import { defaultCriteria, suppressionFilterName } from '../targets';
import { assumedDetector, detectorOf, observeDetector, type DetectorFacts } from './adminDetector';
import { settleAllOrNothing, stringField, type Planner } from './types';

/** GuardDuty allows letters, digits, spaces and - . : _ ( ) [ ] { } / in filter descriptions. */
function descriptionText(text: string): string {
  return text.replace(/[^A-Za-z0-9 \-.:_()[\]{}/]/g, ' ');
}

/**
 * Suppress similar: a GuardDuty filter with action ARCHIVE (new findings only), in the
 * administrator's detector of the finding's region (where a member's findings are filtered too).
 */
export const suppressPlanner: Planner<DetectorFacts | undefined> = {
  assume: assumedDetector,
  observe: observeDetector,
  plan(context, facts) {
    const { finding, intent } = context;
    const detectorId = detectorOf(context, facts);
    const criteria = intent.criteria ?? defaultCriteria(finding);
    const name = suppressionFilterName(criteria);
    const description = descriptionText(
      [
        `guardduty-chatops: suppress similar to finding ${finding.id}`,
        `by ${intent.actor.userId}`,
        criteria.expiresAt === undefined ? undefined : `expires ${criteria.expiresAt}`,
        criteria.description,
      ]
        .filter((part): part is string => part !== undefined && part !== '')
        .join('; '),
    ).slice(0, 512);
    // The same intent retried by AWS' client gets the same rule, not a second one.
    const clientToken = createHash('sha256').update(intent.id).digest('hex').slice(0, 32);
    return {
      calls: [
        {
          service: 'guardduty',
          command: 'CreateFilter',
          region: finding.region,
          input: {
            DetectorId: detectorId,
            Name: name,
            Action: 'ARCHIVE',
            Description: description,
            FindingCriteria: { Criterion: filterCriterion(finding, criteria) },
            ClientToken: clientToken,
          },
        },
      ],
      before: { filter: null },
      settle: settleAllOrNothing(
        context,
        // What the rule holds, read from the criterion sent: the thread and audit say no more.
        { filterName: name, criteria: { ...criteriaSent(finding, criteria) } },
        {
          detectorId,
          region: finding.region,
          filterName: name,
          ...(criteria.expiresAt === undefined ? {} : { expiresAt: criteria.expiresAt }),
        },
      ),
    };
  },
};

/** Delete suppression rule: DeleteFilter on the rule the suppression created. */
export const deleteSuppressionPlanner: Planner<undefined> = {
  assume: () => undefined,
  plan(context) {
    const undo = context.applied?.undo ?? {};
    const filterName = stringField(undo.filterName) ?? context.intent.target;
    return {
      calls: [
        {
          service: 'guardduty',
          command: 'DeleteFilter',
          region: stringField(undo.region) ?? context.finding.region,
          input: {
            DetectorId: stringField(undo.detectorId) ?? context.finding.service.detectorId ?? '',
            FilterName: filterName,
          },
        },
      ],
      before: { filterName },
      settle: settleAllOrNothing(context, { filter: null }, undefined),
    };
  },
};
