import type { AwsReader, PlanContext } from './types';
import { TargetNotFoundError } from '../errors';

/**
 * Only the administrator can archive a member's findings, and filters live in its detector: a
 * member finding names the member's detector, so the administrator's own detector in the
 * finding's region is looked up (ListDetectors there, with the stack's credentials).
 */
export interface DetectorFacts {
  readonly detectorId: string;
}

export function memberFinding(context: PlanContext): boolean {
  return context.placement !== undefined && !context.placement.admin;
}

/** In a dry run nothing is called: the plan names the detector it would look up. */
export function assumedDetector(context: PlanContext): DetectorFacts | undefined {
  if (!memberFinding(context)) return undefined;
  return { detectorId: `<the administrator's detector in ${context.finding.region}>` };
}

export async function observeDetector(
  context: PlanContext,
  read: AwsReader,
): Promise<DetectorFacts | undefined> {
  if (!memberFinding(context)) return undefined;
  const { output } = await read({
    service: 'guardduty',
    command: 'ListDetectors',
    region: context.finding.region,
    input: {},
  });
  const [detectorId] = (output.DetectorIds ?? []) as readonly string[];
  if (detectorId === undefined) {
    throw new TargetNotFoundError(
      `the administrator account has no GuardDuty detector in ${context.finding.region}; enable GuardDuty there to archive or suppress this account's findings`,
    );
  }
  return { detectorId };
}

/** The detector a GuardDuty call goes to: the administrator's for a member finding. */
export function detectorOf(context: PlanContext, facts: DetectorFacts | undefined): string {
  return facts?.detectorId ?? context.finding.service.detectorId ?? '';
}
