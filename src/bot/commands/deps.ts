import type { Actor, AuditReader, RemediationService } from '../../actions/contract';
import type { GuardDutyReader } from '../../aws/guarddutyReader';
import type { Scorer } from '../../ipinsights/scorer';
import type { Log } from '../../log';
import type { FindingRecord } from '../../store/findingState';
import type { MessageDecorator } from '../findingPublisher';

/** What the commands read from the finding → message map (FindingStateStore satisfies it). */
export interface FindingRecords {
  get(findingId: string): Promise<FindingRecord | undefined>;
}

export type SuppressModalOutcome =
  | { readonly kind: 'opened' }
  /** Not allowed (not a responder, protected resource…) or not possible (unknown finding). */
  | { readonly kind: 'refused' | 'invalid'; readonly reason: string };

/**
 * Opens the suppress-similar modal the finding's button opens (the remediation layer owns it).
 * Called at once after the ack: the trigger id is valid for 3 seconds.
 */
export type OpenSuppressModal = (
  triggerId: string,
  findingId: string,
  actor: Actor,
) => Promise<SuppressModalOutcome>;

export interface CommandDeps {
  readonly guardduty: GuardDutyReader;
  readonly findings: FindingRecords;
  readonly scorer: Scorer;
  /** The one path to AWS for archive and suppress: authorisation, guardrails, audit. */
  readonly remediation: RemediationService;
  readonly audit: AuditReader;
  readonly openSuppressModal: OpenSuppressModal;
  /** Buttons and status lines for `show`, as on the finding's message. */
  readonly decorate?: MessageDecorator;
  /** The security channel findings are posted to (for `status`). */
  readonly channel: string;
  readonly dryRun: boolean;
  readonly clock: () => Date;
  readonly log: Log;
  /** Pins the GuardDuty detector; otherwise the region's detector from ListDetectors. */
  readonly detectorId?: string;
}
