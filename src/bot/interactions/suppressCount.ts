import type { WebClient } from '@slack/web-api';
import * as z from 'zod';
import type { GuardDutyReader } from '../../actions/ports/guardDutyReader';
import type { FindingSource } from '../../actions/postedFindings';
import { defaultCriteria } from '../../actions/targets';
import { errorMessage } from '../../shared/errors';
import type { Log } from '../../shared/log';
import { suppressModal, type TypeCount } from './suppressModal';

/**
 * The suppress modal says how many open findings a rule on the type alone would match. Counting
 * asks GuardDuty, which Slack's 3-second trigger cannot wait for and the Slack function may not
 * read: the modal opens saying it is counting, and the count is filled in afterwards (in this
 * process, or by the worker function on Lambda) with views.update, which keeps what the
 * responder has typed (same block and action ids).
 */

export const SuppressCountJobSchema = z.strictObject({
  viewId: z.string().regex(/^V[A-Z0-9]{1,32}$/),
  hash: z.string().max(128).optional(),
  findingId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  version: z.number().int().min(0).optional(),
  channel: z
    .string()
    .regex(/^[CGD][A-Z0-9]+$/)
    .optional(),
});

export type SuppressCountJob = z.infer<typeof SuppressCountJobSchema>;

/** Has the count filled in: in this process, or handed to the worker function. */
export type HandOffSuppressCount = (job: SuppressCountJob) => Promise<void>;

export interface SuppressCountDeps {
  readonly findings: FindingSource;
  readonly reader: GuardDutyReader;
  /** The detector to ask; otherwise the finding's own. */
  readonly detectorId?: string;
  readonly log: Log;
}

/** Open (not archived) findings of the type, as GuardDuty's statistics count them. */
export async function openFindingsOfType(
  reader: GuardDutyReader,
  detectorId: string,
  type: string,
): Promise<number> {
  const groups = await reader.countFindings(
    detectorId,
    { types: [type], archived: false },
    'FINDING_TYPE',
  );
  return groups.filter((g) => g.key === type).reduce((sum, g) => sum + g.count, 0);
}

/** Counts and redraws the modal with the count (or with why it could not count). */
export function suppressCounter(deps: SuppressCountDeps, client: WebClient): HandOffSuppressCount {
  return async (job) => {
    const finding = await deps.findings.get(job.findingId);
    if (finding === undefined) return;
    const detectorId = deps.detectorId ?? finding.service.detectorId;
    let count: TypeCount;
    try {
      if (detectorId === undefined) throw new Error('the finding names no detector');
      count = {
        kind: 'counted',
        open: await openFindingsOfType(deps.reader, detectorId, finding.type),
      };
    } catch (error) {
      deps.log.warn('could not count the findings of a type', {
        findingId: job.findingId,
        error: errorMessage(error),
      });
      count = { kind: 'unknown' };
    }
    try {
      await client.views.update({
        view_id: job.viewId,
        ...(job.hash === undefined ? {} : { hash: job.hash }),
        view: suppressModal(
          finding,
          defaultCriteria(finding),
          {
            findingId: job.findingId,
            ...(job.version === undefined ? {} : { version: job.version }),
            ...(job.channel === undefined ? {} : { channel: job.channel }),
          },
          count,
        ),
      });
    } catch (error) {
      // Submitted or closed meanwhile: nothing left to show the count in.
      deps.log.info('the suppress modal was gone before its count', {
        findingId: job.findingId,
        error: errorMessage(error),
      });
    }
  };
}
