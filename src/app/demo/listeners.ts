import type { App } from '@slack/bolt';
import type { IpListStore } from '../../actions/ports/ipLists';
import type { AuditReader } from '../../actions/contract';
import type { Config } from '../../config';
import type { Log } from '../../shared/log';
import type { Runtime } from '../runtime';
import { botListeners } from '../botListeners';
import { SAMPLE_DETECTOR_ID, type SampleGuardDuty } from './sampleGuardDuty';
import { digestPoster, inProcessDigest } from '../digests';
import { organizationActivity } from '../organizationActivity';
import { DEMO_HOME_REGION } from './organization';
import type { Canary } from '../../health/canary';
import { inProcessCanaryCheck } from '../canary';
import { healthView } from '../regionStates';

/** What the bot adds to the finding pipeline: its listeners, and the audit log the page shows. */
export interface DemoBotParts {
  /** Button, modal and `/guardduty` listeners, registered on the Bolt app. */
  readonly register: readonly ((app: App) => void)[];
  /** The audit log for the page's panel; none when the remediation layer is not wired in. */
  readonly audit?: AuditReader;
}

export interface DemoBotContext {
  readonly runtime: Runtime;
  readonly config: Config;
  readonly log: Log;
  /** GuardDuty's read API over the demo's findings, for the `/guardduty` commands in dry run. */
  readonly guardduty: SampleGuardDuty;
  /** The canary over the demo's parts, for `/guardduty status --check`. */
  readonly canary?: Canary;
  /** The demo's IP list files, for `/guardduty threatlist list` and `trust list`. */
  readonly lists?: IpListStore;
}

export type DemoBotWiring = (context: DemoBotContext) => DemoBotParts;

/**
 * What `demoBotParts` wires in this build. The browser test runs its remediation and command
 * steps only for what is wired.
 */
export const DEMO_WIRING: { readonly remediation: boolean; readonly commands: boolean } = {
  remediation: true,
  commands: true,
};

/**
 * The demo's listeners are exactly the ones `serve` and the Slack Lambda function register: the
 * remediation buttons and modals and the `/guardduty` commands, over GuardDuty's read API
 * answered from the demo's findings.
 */
export const demoBotParts: DemoBotWiring = ({
  runtime,
  config,
  log,
  guardduty,
  canary,
  lists,
}) => ({
  register: botListeners({
    config,
    runtime,
    log,
    // The administrator's detector in each of the demo's regions sees that region's samples.
    guardduty: guardduty.inRegion(DEMO_HOME_REGION),
    regions: { home: DEMO_HOME_REGION, readerIn: (region) => guardduty.inRegion(region) },
    activity: organizationActivity(runtime.store),
    detectorId: SAMPLE_DETECTOR_ID,
    requestDigest: inProcessDigest(digestPoster(runtime, log)),
    health: healthView(config, runtime.store),
    ...(canary === undefined ? {} : { requestCanaryCheck: inProcessCanaryCheck(canary) }),
    ...(lists === undefined ? {} : { lists }),
  }),
  audit: runtime.remediation.audit,
});
