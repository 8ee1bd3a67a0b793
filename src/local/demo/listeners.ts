import type { App } from '@slack/bolt';
import type { AuditReader } from '../../actions/contract';
import type { Config } from '../../config';
import type { Log } from '../../log';
import type { Runtime } from '../../runtime';
import type { SampleGuardDuty } from './sampleGuardDuty';

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
}

export type DemoBotWiring = (context: DemoBotContext) => DemoBotParts;

/**
 * What `demoBotParts` wires in this build. The browser test runs its remediation and command
 * steps only for what is wired; set each to true in the change that wires it.
 */
export const DEMO_WIRING: { readonly remediation: boolean; readonly commands: boolean } = {
  remediation: false,
  commands: false,
};

/**
 * The one place the demo wires the bot's listeners: the remediation buttons and modals
 * (src/bot/interactions) and the `/guardduty` commands (src/bot/commands) with the remediation
 * service and audit reader, exactly as `serve` does. Neither is part of this build yet: until
 * they are, the findings are posted and scored, and clicks and commands get no answer.
 */
export const demoBotParts: DemoBotWiring = () => ({ register: [] });
