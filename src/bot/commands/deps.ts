import type { AuditReader, RemediationService } from '../../actions/contract';
import type { OpenSuppressModal } from '../interactions/listeners';
import type { GuardDutyReader } from '../../actions/ports/guardDutyReader';
import type { OrganizationActivity } from '../../actions/ports/organizationActivity';
import type { Scorer } from '../../ipinsights/scorer';
import type { Log } from '../../shared/log';
import type { ReadAccess } from './readAccess';
import type { FindingRecord } from '../../actions/findingRecords';
import type { MessageDecorator } from '../findingPublisher';
import type { ResponderList } from '../interactions/words';
import type { RoutingTable } from '../../routing/routes';
import type { CommandResponse } from './responses';
import type { RegionState } from '../../health/regionState';
import type { RetrainingRecord } from '../../ipinsights/retraining';

/** What `status` reads of the stack's upkeep: the canary's regions, the last retraining. */
export interface HealthView {
  readonly regions: readonly string[];
  states(regions: readonly string[]): Promise<ReadonlyMap<string, RegionState>>;
  /** The last scheduled retraining (published or rejected); none before the first. */
  lastRetraining?(): Promise<RetrainingRecord | undefined>;
}
import type { IpListStore } from '../../actions/ports/ipLists';

/** What the commands read from the finding → message map (the findings table). */
export interface FindingRecords {
  get(findingId: string): Promise<FindingRecord | undefined>;
}

/**
 * Opens the suppress-similar modal the finding's button opens (the remediation layer owns it),
 * after the same authorisation and guardrails; says why when it does not.
 */
export type { OpenSuppressModal, SuppressModalOutcome } from '../interactions/listeners';

/** The organisation's accounts in words: `--account NAME`, names on listings and status. */
export interface AccountNames {
  /** Every account whose name is known (the accounts file's, then Organizations'): id → name. */
  names(): Promise<ReadonlyMap<string, string>>;
}

/** GuardDuty is regional: the administrator's detector in each region the stack may read. */
export interface RegionalReaders {
  /** The stack's own region, where `guardduty` reads. */
  readonly home: string;
  /** The reader for another region (the same credentials, that region's endpoint). */
  readerIn(region: string): GuardDutyReader;
}

export interface CommandDeps {
  /** GuardDuty in the stack's own region. */
  readonly guardduty: GuardDutyReader;
  /** `--region`: other regions; without it, `list` and `stats` read the home region only. */
  readonly regions?: RegionalReaders;
  readonly accounts?: AccountNames;
  /** `status`: where findings came from, and where the member role could not be assumed. */
  readonly activity?: Pick<OrganizationActivity, 'seenSince' | 'assumeFailures'>;
  readonly findings: FindingRecords;
  readonly scorer: Scorer;
  /** The one path to AWS for archive and suppress: authorisation, guardrails, audit. */
  readonly remediation: RemediationService;
  readonly audit: AuditReader;
  readonly openSuppressModal: OpenSuppressModal;
  /** Buttons and status lines for `show`, as on the finding's message. */
  readonly decorate?: MessageDecorator;
  /** Who may remediate, named in a refusal. */
  readonly responders: ResponderList;
  /** The security channel findings are posted to (for `status`). */
  readonly channel: string;
  readonly dryRun: boolean;
  /** The routes in force, for `status`. */
  readonly routes: RoutingTable;
  /**
   * `/guardduty digest`: posts the channel's digest (in this process), or hands it to the digest
   * function (Lambda), which answers through the response URL; the answer, if any, for the user.
   */
  readonly requestDigest?: (request: {
    readonly channel: string;
    readonly userId: string;
    readonly responseUrl: string;
  }) => Promise<CommandResponse | undefined>;
  /** The canary's view of each region, and the model's retraining, for `status`. */
  readonly health?: HealthView;
  /**
   * `/guardduty status --check`: runs the canary (in this process), or hands it to the canary
   * function (Lambda), which answers through the response URL; the answer, if any, for the user.
   */
  readonly requestCanaryCheck?: (request: {
    readonly userId: string;
    readonly responseUrl: string;
  }) => Promise<CommandResponse | undefined>;
  readonly clock: () => Date;
  readonly log: Log;
  /** Pins the GuardDuty detector; otherwise the region's detector from ListDetectors. */
  readonly detectorId?: string;
  /** Who may read outside the security channel (responders and viewers). */
  readonly access: ReadAccess;
  /** The IP list files, for `threatlist list` and `trust list` (the worker's; none on the Slack side). */
  readonly lists?: IpListStore;
  /** The Region whose lists the commands read and change: the stack's. */
  readonly listRegion: string;
}
